/** Pure parts of the REST API: the error-code table and the abuse-limit configuration. */
import assert from "node:assert/strict";
import { HttpsError } from "firebase-functions/https";
import { ValidationError, type DomainError } from "@aideon-perf/core";
import { errors } from "../../functions/src/errors";
import { API_CONFIG_DEFAULTS, apiConfigFromEnv } from "../../functions/src/rest/config";
import { errorBody, HTTP_STATUS_BY_CODE, httpErrors, toApiError } from "../../functions/src/http/errors";
import { apiErrors } from "../../functions/src/rest/errors";

describe("rest: error mapping", () => {
  it("gives each service error (the callables' HttpsError) its status, code, message and field", () => {
    const cases: Array<[DomainError, number]> = [
      [errors.invalidArgument(new ValidationError("traces[3].duration", "must not be negative")), 400],
      [errors.unauthenticated(), 401],
      [errors.notAdmin(), 403],
      [errors.traceOfAnotherUser("t1"), 403],
      [errors.traceNotFound("t1"), 404],
      [errors.traceNotActive("t1", "finished"), 409],
    ];
    for (const [e, status] of cases) {
      const api = toApiError(e);
      assert.equal(api.status, status, e.code);
      assert.equal(api.code, e.code);
      assert.equal(api.message, e.message);
    }
    assert.deepEqual(errorBody(toApiError(cases[0]![0])), {
      success: false,
      error: {
        code: "invalid-argument",
        message: "traces[3].duration: must not be negative",
        field: "traces[3].duration",
      },
    });
  });

  it("maps every HttpsError code, 4xx for the caller's mistakes", () => {
    assert.equal(Object.keys(HTTP_STATUS_BY_CODE).length, 16);
    for (const code of [
      "invalid-argument",
      "out-of-range",
      "unauthenticated",
      "permission-denied",
      "not-found",
      "failed-precondition",
      "already-exists",
      "aborted",
      "resource-exhausted",
    ] as const) {
      const status = HTTP_STATUS_BY_CODE[code];
      assert.ok(status >= 400 && status < 500, code);
    }
  });

  it("answers a core ValidationError as 400 naming the field", () => {
    assert.deepEqual(errorBody(toApiError(new ValidationError("limit", "must be at most 100"))), {
      success: false,
      error: { code: "invalid-argument", message: "limit: must be at most 100", field: "limit" },
    });
  });

  it("never passes an unknown error's message or stack on", () => {
    const secret = new Error("connection string postgres://user:secret@db");
    assert.deepEqual(errorBody(toApiError(secret)), {
      success: false,
      error: { code: "internal", message: "Internal error." },
    });
    assert.equal(toApiError(new HttpsError("internal", "stack at foo.ts:12")).message, "Internal error.");
    assert.equal(toApiError("a string").status, 500);
    assert.equal(toApiError(null).status, 500);
    assert.equal(toApiError(Object.assign(new Error("unavailable"), { code: 14 })).status, 503);
  });

  it("carries the headers HTTP needs: Allow, Retry-After, WWW-Authenticate", () => {
    assert.equal(httpErrors.methodNotAllowed("GET", ["POST", "OPTIONS"]).headers.Allow, "POST, OPTIONS");
    assert.equal(apiErrors.rateLimited(42).headers["Retry-After"], "42");
    assert.match(apiErrors.missingToken().headers["WWW-Authenticate"] ?? "", /^Bearer/);
    assert.match(
      apiErrors.routeNotFound(`/x${"y".repeat(500)}`).message,
      /\.\.\."/,
      "echoed input is cut short",
    );
  });
});

describe("rest: configuration", () => {
  it("has documented defaults: 1 MiB bodies, 120 recording requests a minute per user, leases of 10, no CORS", () => {
    assert.deepEqual(apiConfigFromEnv({}), {
      maxBodyBytes: 1_048_576,
      rateLimit: { limit: 120, windowMs: 60_000, leaseSize: 10 },
      cors: { allowedOrigins: [] },
    });
    assert.deepEqual(
      apiConfigFromEnv({ API_RATE_LIMIT: "", API_CORS_ORIGINS: " " }),
      apiConfigFromEnv({}),
      "empty means unset",
    );
    assert.equal(API_CONFIG_DEFAULTS.API_RATE_LIMIT, 120);
  });

  it("reads every variable", () => {
    assert.deepEqual(
      apiConfigFromEnv({
        API_MAX_BODY_BYTES: "2048",
        API_RATE_LIMIT: "0",
        API_RATE_WINDOW_SECONDS: "10",
        API_RATE_LEASE: "1",
        API_CORS_ORIGINS: "https://App.example.com, http://localhost:5173,*",
      }),
      {
        maxBodyBytes: 2048,
        rateLimit: { limit: 0, windowMs: 10_000, leaseSize: 1 },
        cors: { allowedOrigins: ["https://app.example.com", "http://localhost:5173", "*"] },
      },
    );
  });

  it("rejects a bad value naming the variable", () => {
    for (const [name, value] of [
      ["API_MAX_BODY_BYTES", "1mb"],
      ["API_MAX_BODY_BYTES", "10"],
      ["API_RATE_LIMIT", "-1"],
      ["API_RATE_WINDOW_SECONDS", "0"],
      ["API_RATE_LEASE", "1.5"],
      ["API_CORS_ORIGINS", "https://app.example.com/path"],
      ["API_CORS_ORIGINS", "app.example.com"],
    ] as const) {
      assert.throws(
        () => apiConfigFromEnv({ [name]: value }),
        (e: ValidationError) => e.field.startsWith(name),
        `${name}=${value}`,
      );
    }
  });
});
