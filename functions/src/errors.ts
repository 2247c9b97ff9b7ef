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
  notAdmin: () => new HttpsError("permission-denied", "This needs the admin claim (admin: true)."),
};
