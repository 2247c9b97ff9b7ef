import { HttpsError } from "firebase-functions/https";
import type { ValidationError } from "@aideon-perf/core";

/** Every error a caller can get, as a named constructor, so wording and codes stay consistent. */
export const errors = {
  unauthenticated: () => new HttpsError("unauthenticated", "Sign in (anonymous is fine) to record traces."),
  invalidArgument: (e: ValidationError) => new HttpsError("invalid-argument", e.message, { field: e.field }),
  traceNotFound: (traceId: string) => new HttpsError("not-found", `Trace ${traceId} does not exist.`),
  traceOfAnotherUser: (traceId: string) =>
    new HttpsError("permission-denied", `Trace ${traceId} was started by another user.`),
  traceNotActive: (traceId: string, status: string) =>
    new HttpsError("failed-precondition", `Trace ${traceId} is no longer active (it is ${status}).`),
  agentKeyRejected: () => new HttpsError("unauthenticated", "Agent key rejected (revoked or wrong)."),
  agentKeyNotFound: (agentId: string) => new HttpsError("not-found", `No agent key ${agentId}.`),
  ingestKeyRejected: () => new HttpsError("unauthenticated", "Ingest key rejected (revoked or wrong)."),
  ingestKeyNotFound: (keyId: string) => new HttpsError("not-found", `No ingest key ${keyId}.`),
  ingestKeyRecordsOnly: () =>
    new HttpsError(
      "permission-denied",
      "An ingest key may only record traces; reads and configuration need an admin's ID token.",
    ),
  wrongHost: (hostId: string) =>
    new HttpsError(
      "permission-denied",
      `This agent key may push metrics for its own host only, not ${hostId}.`,
    ),
  hostNotFound: (hostId: string) => new HttpsError("not-found", `No host ${hostId} has reported.`),
  notAdmin: () => new HttpsError("permission-denied", "This needs the admin claim (admin: true)."),
  recordingNotAllowed: (why: string) => new HttpsError("permission-denied", why),
  tokenRevoked: () =>
    new HttpsError("unauthenticated", "The ID token was revoked or its user disabled; sign in again."),
  bodyTooLarge: (bytes: number, max: number) =>
    new HttpsError("invalid-argument", `The request body is ${bytes} bytes; at most ${max} are accepted.`),
};
