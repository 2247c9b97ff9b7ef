/**
 * Every HTTP error answer (the REST API's, the OTLP receiver's, the agents' ingest endpoint's) comes
 * from here: the one table from error codes (the core's domain errors, the same codes the callables
 * answer with) to HTTP statuses, and the errors every HTTP endpoint has (wrong method, body too large,
 * not JSON). The service logic is not repeated: a service error is answered with its own code and
 * message, only given a status. The REST API's own errors (tokens, routes, rate limit) are rest/errors.ts.
 */
import type { FunctionsErrorCode } from "firebase-functions/https";
import {
  DomainError,
  InvalidArgumentError,
  QuotaExceededError,
  ValidationError,
  type ApiErrorResponse,
} from "@aideon-perf/core";

/**
 * Error code -> HTTP status, for every code a callable can answer with. Google's canonical mapping,
 * except failed-precondition: the services use it for "the trace is no longer active", a conflict with
 * the resource's state, hence 409.
 */
export const HTTP_STATUS_BY_CODE: Readonly<Record<Exclude<FunctionsErrorCode, "ok">, number>> = Object.freeze(
  {
    "invalid-argument": 400,
    "out-of-range": 400,
    unauthenticated: 401,
    "permission-denied": 403,
    "not-found": 404,
    "failed-precondition": 409,
    "already-exists": 409,
    aborted: 409,
    "resource-exhausted": 429,
    cancelled: 499,
    unknown: 500,
    internal: 500,
    "data-loss": 500,
    unimplemented: 501,
    unavailable: 503,
    "deadline-exceeded": 504,
  },
);

/** gRPC status codes the Firestore client may surface unhandled, answered as retryable. */
const GRPC_DEADLINE_EXCEEDED = 4;
const GRPC_RESOURCE_EXHAUSTED = 8;
const GRPC_ABORTED = 10;
const GRPC_UNAVAILABLE = 14;

/** An error answer: status, the body's code / message / field, and extra headers (Allow, Retry-After...). */
export class ApiError extends Error {
  override readonly name = "ApiError";

  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly field?: string,
    readonly headers: Readonly<Record<string, string>> = {},
    /** What caused a 5xx, for the log only. */
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

const MAX_ECHO = 100;
/** Request values quoted in messages are cut short; they are JSON-encoded, so never markup. */
export const quoted = (value: string) =>
  JSON.stringify(value.length > MAX_ECHO ? `${value.slice(0, MAX_ECHO)}...` : value);

/** The errors of any HTTP endpoint, as named constructors. */
export const httpErrors = {
  methodNotAllowed: (method: string, allow: readonly string[]) =>
    new ApiError(
      405,
      "method-not-allowed",
      `${quoted(method)} is not allowed here; use ${allow.join(", ")}.`,
      undefined,
      {
        Allow: allow.join(", "),
      },
    ),
  /** The rest of the body is left unread, so the connection cannot be reused. */
  payloadTooLarge: (maxBytes: number) =>
    new ApiError(413, "payload-too-large", `The request body is larger than ${maxBytes} bytes.`, undefined, {
      Connection: "close",
    }),
  unsupportedMediaType: (contentType: string | undefined) =>
    new ApiError(
      415,
      "unsupported-media-type",
      `Send the body as JSON with Content-Type: application/json (got ${contentType === undefined ? "no Content-Type" : quoted(contentType)}).`,
    ),
};

/** Any thrown value as an answer. Unknown errors become a bare 500: never a message or stack trace. */
export function toApiError(e: unknown): ApiError {
  if (e instanceof ApiError) return e;
  if (e instanceof ValidationError) return new ApiError(400, "invalid-argument", e.message, e.field);
  if (e instanceof DomainError) {
    const field = e instanceof InvalidArgumentError ? e.field : undefined;
    // A quota refusal says when to come back (admission.ts); HTTP says it in Retry-After.
    const headers: Record<string, string> =
      e instanceof QuotaExceededError ? { "Retry-After": String(e.retryAfterSeconds) } : {};
    return new ApiError(HTTP_STATUS_BY_CODE[e.code], e.code, e.message, field, headers);
  }
  const grpc = (e as { code?: unknown } | null)?.code;
  if (grpc === GRPC_UNAVAILABLE || grpc === GRPC_ABORTED || grpc === GRPC_RESOURCE_EXHAUSTED) {
    return new ApiError(
      503,
      "unavailable",
      "The database is busy; retry shortly.",
      undefined,
      { "Retry-After": "1" },
      { cause: e },
    );
  }
  if (grpc === GRPC_DEADLINE_EXCEEDED)
    return new ApiError(
      504,
      "deadline-exceeded",
      "The database did not answer in time; retry.",
      undefined,
      {},
      { cause: e },
    );
  return new ApiError(500, "internal", "Internal error.", undefined, {}, { cause: e });
}

export function errorBody(e: ApiError): ApiErrorResponse {
  return {
    success: false,
    error: { code: e.code, message: e.message, ...(e.field !== undefined ? { field: e.field } : {}) },
  };
}
