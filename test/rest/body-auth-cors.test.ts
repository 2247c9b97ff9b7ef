/** Pure parts of the REST API: body size, media type and JSON; bearer tokens; CORS headers. */
import assert from "node:assert/strict";
import { Readable } from "node:stream";
import type { IncomingMessage } from "node:http";
import { ValidationError } from "@aideon-perf/core";
import { authenticate, bearerToken, revocationCheckingVerifier } from "../../functions/src/rest/auth";
import { checkDeclaredLength, isJsonMediaType, parseJsonBody, readBody } from "../../functions/src/http/body";
import { corsHeaders, preflightHeaders } from "../../functions/src/rest/cors";
import { ApiError } from "../../functions/src/http/errors";
import { fakeToken, fakeVerifier } from "./support/tokens";

const status = (expected: number) => (e: unknown) => e instanceof ApiError && e.status === expected;
const invalid = (field: string) => (e: unknown) => e instanceof ValidationError && e.field === field;

function request(body: Buffer | undefined, headers: Record<string, string> = {}, rawBody?: Buffer) {
  const stream = Readable.from(body ? [body] : []) as unknown as IncomingMessage & { rawBody?: Buffer };
  Object.assign(stream, { headers, rawBody });
  return stream;
}

describe("rest: request bodies", () => {
  it("accepts application/json with no charset or utf-8 only", () => {
    for (const t of [
      "application/json",
      "application/json; charset=utf-8",
      "Application/JSON; Charset=UTF-8",
      'application/json;charset="utf-8"',
    ]) {
      assert.ok(isJsonMediaType(t), t);
    }
    for (const t of [
      undefined,
      "",
      "text/plain",
      "application/jsonx",
      "application/json; charset=latin1",
      "application/vnd.api+json",
      "text/json",
    ]) {
      assert.ok(!isJsonMediaType(t), String(t));
    }
  });

  it("parses JSON, treats an empty body as missing, and rejects the rest naming the root", () => {
    assert.deepEqual(parseJsonBody(Buffer.from('{"a":1}'), "application/json"), { a: 1 });
    assert.deepEqual(
      parseJsonBody(Buffer.from('\uFEFF{"a":1}'), "application/json"),
      { a: 1 },
      "a BOM is allowed",
    );
    assert.equal(parseJsonBody(Buffer.alloc(0), undefined), undefined);
    assert.equal(parseJsonBody(Buffer.from("null"), "application/json"), null);
    assert.throws(() => parseJsonBody(Buffer.from("{bad"), "application/json"), invalid("(root)"));
    assert.throws(() => parseJsonBody(Buffer.from(" "), "application/json"), invalid("(root)"));
    assert.throws(
      () => parseJsonBody(Buffer.from([0x7b, 0x22, 0xff, 0x22, 0x7d]), "application/json"),
      invalid("(root)"),
      "invalid UTF-8",
    );
    assert.throws(() => parseJsonBody(Buffer.from('{"a":1}'), "text/plain"), status(415));
    assert.throws(() => parseJsonBody(Buffer.from('{"a":1}'), undefined), status(415));
  });

  it("caps the body: by declared length before reading, by bytes read, and on a platform-read rawBody", async () => {
    assert.throws(() => checkDeclaredLength("1025", 1024), status(413));
    assert.doesNotThrow(() => checkDeclaredLength("1024", 1024));
    assert.doesNotThrow(() => checkDeclaredLength(undefined, 1024));
    await assert.rejects(readBody(request(Buffer.alloc(2000)), 1024), status(413));
    assert.equal((await readBody(request(Buffer.alloc(1024)), 1024)).length, 1024);
    await assert.rejects(readBody(request(undefined, {}, Buffer.alloc(1025)), 1024), status(413));
    assert.equal((await readBody(request(undefined, {}, Buffer.from("{}")), 1024)).toString(), "{}");
    await assert.rejects(
      readBody(request(Buffer.alloc(10), { "content-length": "5000" }), 1024),
      status(413),
    );
  });
});

describe("rest: bearer tokens", () => {
  it("takes the token of an Authorization: Bearer header", () => {
    const token = fakeToken("u1");
    assert.equal(bearerToken(`Bearer ${token}`), token);
    assert.equal(bearerToken(`bearer   ${token}  `), token);
  });

  it("answers 401 for no token, another scheme, or something that is not a JWT", () => {
    for (const header of [undefined, "", "Bearer", "Bearer ", "Basic dXNlcjpwdw==", "Token abc.def.ghi"]) {
      assert.throws(() => bearerToken(header), status(401), String(header));
    }
    for (const header of [
      "Bearer abc",
      "Bearer a.b.c.d",
      "Bearer a b.c",
      `Bearer ${"a".repeat(20_000)}.b.c`,
      "Bearer <script>.a.b",
    ]) {
      assert.throws(() => bearerToken(header), status(401), header);
    }
    assert.throws(() => bearerToken(["Bearer a.b.c", "Bearer d.e.f"]), status(401));
  });

  it("maps the verifier: claims to a caller, a rejected token to 401, an unreachable verifier to 503", async () => {
    // The claims travel along for the recording principal; uid and admin are what authorization reads.
    const caller = async (header: string) => {
      const { uid, admin, claims } = await authenticate(header, fakeVerifier);
      assert.equal(claims.uid, uid);
      return { uid, admin };
    };
    assert.deepEqual(await caller(`Bearer ${fakeToken("u1")}`), { uid: "u1", admin: false });
    assert.deepEqual(await caller(`Bearer ${fakeToken("u2", { admin: true })}`), { uid: "u2", admin: true });
    assert.deepEqual(
      await caller(`Bearer ${fakeToken("u3", { admin: "true" })}`),
      { uid: "u3", admin: false },
      "only admin: true counts",
    );
    const rejecting = (code: string) => async () => {
      throw Object.assign(new Error("x"), { code });
    };
    await assert.rejects(authenticate("Bearer a.b.c", rejecting("auth/id-token-expired")), status(401));
    await assert.rejects(authenticate("Bearer a.b.c", rejecting("auth/id-token-revoked")), status(401));
    await assert.rejects(authenticate("Bearer a.b.c", rejecting("auth/user-not-found")), status(401));
    await assert.rejects(authenticate("Bearer a.b.c", rejecting("app/network-error")), status(503));
  });
});

describe("rest: revoked tokens", () => {
  const rejecting = (code: string) => async () => {
    throw Object.assign(new Error("x"), { code });
  };

  it("answers a revoked token or a disabled user with a 401 saying the token was revoked", async () => {
    for (const code of ["auth/id-token-revoked", "auth/user-disabled"]) {
      await assert.rejects(
        authenticate("Bearer a.b.c", rejecting(code)),
        (e: unknown) =>
          e instanceof ApiError &&
          e.status === 401 &&
          e.code === "unauthenticated" &&
          /was revoked/.test(e.message),
        code,
      );
    }
    await assert.rejects(
      authenticate("Bearer a.b.c", rejecting("auth/id-token-expired")),
      (e: unknown) => e instanceof ApiError && !/was revoked/.test(e.message),
    );
  });

  it("verifies with checkRevoked, so a removed admin's existing token stops working at once", async () => {
    const calls: unknown[][] = [];
    const verify = revocationCheckingVerifier(() => ({
      verifyIdToken: async (...args: [string, boolean]) => {
        calls.push(args);
        return { uid: "u1" };
      },
    }));
    assert.equal((await authenticate("Bearer a.b.c", verify)).uid, "u1");
    assert.deepEqual(calls, [["a.b.c", true]]);
  });
});

describe("rest: CORS", () => {
  const none = { allowedOrigins: [] };
  const some = { allowedOrigins: ["https://app.example.com"] };
  const any = { allowedOrigins: ["*"] };

  it("allows no origin by default", () => {
    assert.deepEqual(corsHeaders("https://app.example.com", none), {});
    assert.deepEqual(preflightHeaders("https://app.example.com", none, ["POST", "OPTIONS"]), {});
  });

  it("echoes a listed origin (any case), never *, with Vary: Origin", () => {
    assert.deepEqual(corsHeaders("https://APP.example.com", some), {
      "Access-Control-Allow-Origin": "https://APP.example.com",
      "Access-Control-Expose-Headers": "Retry-After",
      Vary: "Origin",
    });
    assert.deepEqual(corsHeaders("https://evil.example.com", some), { Vary: "Origin" });
    assert.deepEqual(corsHeaders(undefined, some), { Vary: "Origin" });
    assert.equal(
      corsHeaders("http://localhost:5173", any)["Access-Control-Allow-Origin"],
      "http://localhost:5173",
    );
  });

  it("answers a preflight from a listed origin with the path's methods and the two headers it needs", () => {
    assert.deepEqual(preflightHeaders("https://app.example.com", some, ["GET", "PUT", "OPTIONS"]), {
      "Access-Control-Allow-Origin": "https://app.example.com",
      "Access-Control-Allow-Methods": "GET, PUT, OPTIONS",
      "Access-Control-Allow-Headers": "Authorization, Content-Type",
      "Access-Control-Max-Age": "600",
      Vary: "Origin",
    });
    assert.deepEqual(preflightHeaders("https://evil.example.com", some, ["GET"]), { Vary: "Origin" });
  });
});
