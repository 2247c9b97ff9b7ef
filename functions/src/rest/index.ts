/**
 * The `api` HTTPS function: the contract's REST API under /api/v1/performance/ and the OTLP/HTTP
 * trace receiver at /api/v1/otlp/v1/traces, reached through the Firebase Hosting rewrite of /api/**
 * (firebase.json) or the function's own URL with the same path.
 */
import { randomUUID } from "node:crypto";
import { getAppCheck } from "firebase-admin/app-check";
import { getAuth } from "firebase-admin/auth";
import { ENFORCE_APP_CHECK } from "../config";
import { onRequest } from "firebase-functions/https";
import { db } from "../firestore";
import { runBenchmark } from "./benchmark";
import { revocationCheckingVerifier } from "./auth";
import { apiConfigFromEnv } from "./config";
import { createApiHandler, type ApiDeps, type ApiServices } from "./handler";
import { firestoreLeaseStore } from "./rate-limit";
import { OTLP_TRACES_PATH, otlpTracesHandler } from "../otlp/otlp-receiver";

/** The production wiring around the given services; tests build their own handler with createApiHandler. */
export function defaultApiDeps(services: () => ApiServices): ApiDeps {
  return {
    services,
    config: () => apiConfigFromEnv(process.env),
    verifyIdToken: revocationCheckingVerifier(() => {
      db(); // initializes the default app, once
      return getAuth();
    }),
    appCheck: {
      required: ENFORCE_APP_CHECK,
      verify: (token) => {
        db();
        return getAppCheck().verifyToken(token);
      },
    },
    leaseStore: (config) => firestoreLeaseStore(db(), config.rateLimit.windowMs),
    benchmark: (req) => runBenchmark(req, { db, newId: randomUUID }),
  };
}

const isOtlp = (url: string | undefined): boolean => (url ?? "").split("?")[0] === OTLP_TRACES_PATH;

/**
 * The `api` function over the given services (index.ts's, built on first request).
 * cors: false leaves CORS to our own module (API_CORS_ORIGINS). Without it the Functions emulator turns
 * on firebase-functions' permissive CORS for every onRequest function (its enableCors debug feature)
 * and answers preflights itself, so the emulator would behave unlike production.
 * The 10 s benchmark cap leaves ample room in the timeout.
 */
export function apiFunction(services: () => ApiServices) {
  const handler = createApiHandler(defaultApiDeps(services));
  const otlp = otlpTracesHandler({
    authenticate: (key) => services().ingestKeys.authenticate(key),
    traces: () => services().traces,
  });
  return onRequest({ cors: false, timeoutSeconds: 60 }, (req, res) =>
    isOtlp(req.url) ? otlp(req, res) : handler(req, res),
  );
}
