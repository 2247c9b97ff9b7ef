/**
 * The REST API handler: a plain (req, res) function over Node's http types, so that it runs inside
 * firebase-functions' onRequest (Express-style req/res, req.rawBody) and behind a bare Node server in
 * tests alike. Per request: route (404 / 405 / OPTIONS), CORS, authenticate (401) and authorize (403),
 * read and parse the body or query (413 / 415 / 400), validate with the core schema (400 naming the
 * field), rate-limit recording (429), then the shared service. Every answer, error or not, is JSON.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { logger } from "firebase-functions";
import { parseRequest } from "@aideon-perf/core";
import { errors } from "../errors";
import { readBody, parseJsonBody, type BodyRequest } from "../http/body";
import { isIngestKeyHeader } from "../http/credentials";
import { errorBody, httpErrors, toApiError } from "../http/errors";
import { sendEmpty, sendJson } from "../http/send";
import type { IngestKeyService } from "../keys/ingest-key-service";
import { authenticate, type Caller, type VerifyIdToken } from "./auth";
import type { ApiConfig } from "./config";
import { corsHeaders, preflightHeaders } from "./cors";
import { apiErrors } from "./errors";
import { openApiDocument, type OpenApiDocument } from "./openapi";
import { queryInput } from "./query";
import { rateLimiter, type LeaseStore, type RateLimiter } from "./rate-limit";
import { matchRoute } from "./router";
import type { Route } from "./route";
import { apiRoutes, type RouteDeps, type RouteServices } from "./routes";

/** The routes' services and the ingest keys that authenticate backends. */
export interface ApiServices extends RouteServices {
  ingestKeys: Pick<IngestKeyService, "authenticate">;
}

export interface ApiDeps extends Omit<RouteDeps, "openApi" | "services"> {
  services: () => ApiServices;
  /** Read on the first request (so a deploy-time load reads no environment), then kept. */
  config: () => ApiConfig;
  verifyIdToken: VerifyIdToken;
  /** App Check for every non-public route (X-Firebase-AppCheck), when ENFORCE_APP_CHECK resolves to on. */
  appCheck: { required: boolean; verify: (token: string) => Promise<unknown> };
  /** Where rate-limit leases are kept (Firestore in production). */
  leaseStore: (config: ApiConfig) => LeaseStore;
  now?: () => number;
}

export type ApiHandler = (req: IncomingMessage & { rawBody?: Buffer }, res: ServerResponse) => Promise<void>;

/** The request target as a URL; one that does not parse is no endpoint (404), never a 500. */
function requestUrl(req: IncomingMessage): URL {
  try {
    return new URL(req.url ?? "/", "http://localhost");
  } catch {
    return new URL("http://localhost/");
  }
}

export function createApiHandler(deps: ApiDeps): ApiHandler {
  let openApi: OpenApiDocument | undefined;
  const routes: Route[] = apiRoutes({ ...deps, openApi: () => (openApi ??= openApiDocument(routes)) });
  let state: { config: ApiConfig; limiter: RateLimiter } | undefined;
  const setup = () => {
    if (!state) {
      const config = deps.config();
      state = { config, limiter: rateLimiter(config.rateLimit, deps.leaseStore(config), deps.now) };
    }
    return state;
  };

  async function checkAppCheck(header: string | string[] | undefined): Promise<void> {
    if (typeof header !== "string" || header === "") throw apiErrors.appCheckMissing();
    try {
      await deps.appCheck.verify(header);
    } catch {
      throw apiErrors.appCheckInvalid();
    }
  }

  async function respond(
    req: BodyRequest,
    route: Route,
    config: ApiConfig,
    limiter: RateLimiter,
  ): Promise<unknown> {
    let caller: Caller | undefined;
    if (route.access !== "public") {
      // A backend with an ingest key has no App Check token to send: the key is its attestation.
      if (deps.appCheck.required && !isIngestKeyHeader(req.headers.authorization))
        await checkAppCheck(req.headers["x-firebase-appcheck"]);
      caller = await authenticate(req.headers.authorization, deps.verifyIdToken, (key) =>
        deps.services().ingestKeys.authenticate(key),
      );
      if (caller.ingestKey && route.access !== "signed-in") throw errors.ingestKeyRecordsOnly();
      if (route.access === "admin" && !caller.admin) throw errors.notAdmin();
    }
    let input: unknown;
    if (route.input?.from === "body") {
      const raw = parseJsonBody(await readBody(req, config.maxBodyBytes), req.headers["content-type"]);
      input = parseRequest(route.input.schema, raw);
    } else if (route.input?.from === "query") {
      input = parseRequest(route.input.schema, queryInput(requestUrl(req).searchParams, route.input.numeric));
    }
    if (route.rateLimited && caller) await limiter.take(caller.uid);
    return route.run(caller, input);
  }

  return async (req, res) => {
    let cors: Record<string, string> = {};
    try {
      const { config, limiter } = setup();
      const origin = typeof req.headers.origin === "string" ? req.headers.origin : undefined;
      cors = corsHeaders(origin, config.cors);
      const { pathname } = requestUrl(req);
      const match = matchRoute(routes, req.method, pathname);
      switch (match.kind) {
        case "not-found":
          throw apiErrors.routeNotFound(pathname);
        case "method-not-allowed":
          throw httpErrors.methodNotAllowed(req.method ?? "", match.allow);
        case "options":
          sendEmpty(res, 204, {
            Allow: match.allow.join(", "),
            ...preflightHeaders(origin, config.cors, match.allow),
          });
          return;
        case "route":
          sendJson(res, 200, await respond(req, match.route, config, limiter), cors);
          return;
      }
    } catch (e) {
      const error = toApiError(e);
      if (error.status >= 500) {
        // Server-side only: the answer carries none of this. Never the Authorization header.
        const cause = error.cause ?? e;
        logger.error("api request failed", {
          method: req.method,
          path: req.url?.split("?")[0],
          status: error.status,
          error: cause instanceof Error ? (cause.stack ?? cause.message) : String(cause),
        });
      }
      sendJson(res, error.status, errorBody(error), { ...cors, ...error.headers });
    }
  };
}
