/**
 * The errors only the REST API has (unknown path, ID token and App Check refusals, rate limited), as
 * named constructors; every other error answer, and the answer itself, is http/errors.ts's.
 */
import { ApiError, quoted } from "../http/errors";

export const apiErrors = {
  routeNotFound: (path: string) =>
    new ApiError(
      404,
      "not-found",
      `No endpoint at ${quoted(path)}. The API is described at GET /api/v1/performance/openapi.json.`,
    ),
  missingToken: () =>
    new ApiError(401, "unauthenticated", "Send Authorization: Bearer <Firebase ID token>.", undefined, {
      "WWW-Authenticate": 'Bearer realm="aideon-perf"',
    }),
  invalidToken: () =>
    new ApiError(
      401,
      "unauthenticated",
      "The ID token is invalid, expired or revoked; sign in again.",
      undefined,
      {
        "WWW-Authenticate": 'Bearer realm="aideon-perf", error="invalid_token"',
      },
    ),
  revokedToken: () =>
    new ApiError(
      401,
      "unauthenticated",
      "The ID token was revoked (its user was signed out or disabled); sign in again.",
      undefined,
      {
        "WWW-Authenticate":
          'Bearer realm="aideon-perf", error="invalid_token", error_description="token revoked"',
      },
    ),
  appCheckMissing: () =>
    new ApiError(
      401,
      "unauthenticated",
      "Send X-Firebase-AppCheck: <App Check token> (this project enforces App Check).",
    ),
  appCheckInvalid: () => new ApiError(401, "unauthenticated", "The App Check token is invalid or expired."),
  authUnavailable: (cause?: unknown) =>
    new ApiError(
      503,
      "unavailable",
      "ID tokens cannot be verified right now; retry shortly.",
      undefined,
      { "Retry-After": "5" },
      { cause },
    ),
  rateLimited: (retryAfterSeconds: number) =>
    new ApiError(
      429,
      "resource-exhausted",
      `Too many recording requests; retry in ${retryAfterSeconds} s.`,
      undefined,
      {
        "Retry-After": String(retryAfterSeconds),
      },
    ),
};
