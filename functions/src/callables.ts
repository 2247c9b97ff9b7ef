import { HttpsError, onCall, type CallableRequest } from "firebase-functions/https";
import type { z } from "zod";
import { DomainError, parseRequest, ValidationError } from "@aideon-perf/core";
import { getAuth } from "firebase-admin/auth";
import { CALLABLE_MAX_BODY_BYTES, ENFORCE_APP_CHECK, RECORDING_ACCESS } from "./config";
import { db } from "./firestore";
import { principalOf, type Principal, type TokenClaims } from "./admission/principal";
import { recordingRefusal } from "./admission/recording-access";
import { errors } from "./errors";

type Access = "signed-in" | "admin";

/**
 * Who may call: recording needs a signed-in user RECORDING_ACCESS allows (by default any, anonymous
 * included), reads and config the admin claim.
 */
function authorize(request: CallableRequest, access: Access): Principal {
  const uid = request.auth?.uid;
  if (!uid) throw errors.unauthenticated();
  const claims = request.auth!.token as TokenClaims;
  if (access === "admin" && claims.admin !== true) throw errors.notAdmin();
  const principal = principalOf(uid, claims);
  if (access === "signed-in") {
    const refusal = recordingRefusal(RECORDING_ACCESS, principal, claims);
    if (refusal) throw errors.recordingNotAllowed(refusal);
  }
  return principal;
}

/**
 * The platform checks a callable's ID token but not whether it was revoked; an admin read checks that
 * too (one Auth call), so a removed admin is refused at once rather than when the token expires.
 */
async function assertNotRevoked(request: CallableRequest): Promise<void> {
  const header = request.rawRequest?.headers?.authorization;
  const token = typeof header === "string" ? header.replace(/^bearer /i, "").trim() : "";
  if (!token) return; // no header: the caller is a test harness handing auth in directly
  try {
    db();
    await getAuth().verifyIdToken(token, true);
  } catch {
    throw errors.tokenRevoked();
  }
}

/**
 * The callables' one translation of the core's errors: the same code, message and details as an
 * HttpsError, which the client SDKs receive; validation failures are invalid-argument naming the field.
 * Anything else is left to firebase-functions (an "internal" error without its message).
 */
function toHttpsError(e: unknown): unknown {
  const domain = e instanceof ValidationError ? errors.invalidArgument(e) : e;
  return domain instanceof DomainError ? new HttpsError(domain.code, domain.message, domain.details) : e;
}

/**
 * A callable whose payload is validated by a core wire schema before anything is read or written.
 * Read APIs take no payload at all as "all defaults" (httpsCallable(fns, 'getStats')() sends null);
 * recording APIs need one.
 */
function callable<S extends z.ZodType, R>(
  access: Access,
  schema: S,
  run: (principal: Principal, request: z.output<S>) => Promise<R>,
) {
  return onCall({ enforceAppCheck: ENFORCE_APP_CHECK }, async (request) => {
    try {
      const bytes = request.rawRequest?.rawBody?.length ?? 0;
      if (bytes > CALLABLE_MAX_BODY_BYTES) throw errors.bodyTooLarge(bytes, CALLABLE_MAX_BODY_BYTES);
      const principal = authorize(request, access);
      if (access === "admin") await assertNotRevoked(request);
      const data = access === "admin" ? (request.data ?? {}) : request.data;
      return await run(principal, parseRequest(schema, data));
    } catch (e) {
      throw toHttpsError(e);
    }
  });
}

export const recordingCallable = <S extends z.ZodType, R>(
  schema: S,
  run: (principal: Principal, request: z.output<S>) => Promise<R>,
) => callable("signed-in", schema, run);

export const adminCallable = <S extends z.ZodType, R>(
  schema: S,
  run: (request: z.output<S>, uid: string) => Promise<R>,
) => callable("admin", schema, (principal, request) => run(request, principal.id));
