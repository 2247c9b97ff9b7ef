import {
  FailedPreconditionError,
  ForbiddenError,
  InvalidArgumentError,
  NotFoundError,
  UnauthenticatedError,
  type ValidationError,
} from "@aideon-perf/core";

/**
 * Every error a caller can get, as a named constructor, so wording and codes stay consistent. They are
 * the core's domain errors: callables.ts and http/errors.ts turn them into each protocol's answer.
 */
export const errors = {
  unauthenticated: () => new UnauthenticatedError("Sign in (anonymous is fine) to record traces."),
  invalidArgument: (e: ValidationError) => new InvalidArgumentError(e.message, e.field),
  traceNotFound: (traceId: string) => new NotFoundError(`Trace ${traceId} does not exist.`),
  traceOfAnotherUser: (traceId: string) =>
    new ForbiddenError(`Trace ${traceId} was started by another user.`),
  traceNotActive: (traceId: string, status: string) =>
    new FailedPreconditionError(`Trace ${traceId} is no longer active (it is ${status}).`),
  agentKeyRejected: () => new UnauthenticatedError("Agent key rejected (revoked or wrong)."),
  agentKeyNotFound: (agentId: string) => new NotFoundError(`No agent key ${agentId}.`),
  ingestKeyRejected: () => new UnauthenticatedError("Ingest key rejected (revoked or wrong)."),
  ingestKeyNotFound: (keyId: string) => new NotFoundError(`No ingest key ${keyId}.`),
  ingestKeyRecordsOnly: () =>
    new ForbiddenError(
      "An ingest key may only record traces; reads and configuration need an admin's ID token.",
    ),
  wrongHost: (hostId: string) =>
    new ForbiddenError(`This agent key may push metrics for its own host only, not ${hostId}.`),
  hostNotFound: (hostId: string) => new NotFoundError(`No host ${hostId} has reported.`),
  notAdmin: () => new ForbiddenError("This needs the admin claim (admin: true)."),
  recordingNotAllowed: (why: string) => new ForbiddenError(why),
  tokenRevoked: () =>
    new UnauthenticatedError("The ID token was revoked or its user disabled; sign in again."),
  bodyTooLarge: (bytes: number, max: number) =>
    new InvalidArgumentError(`The request body is ${bytes} bytes; at most ${max} are accepted.`),
};
