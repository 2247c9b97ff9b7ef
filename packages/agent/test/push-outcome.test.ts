import assert from "node:assert/strict";
import { classifyAnswer } from "../src/push-outcome";

const error = (code: string, message: string) => JSON.stringify({ success: false, error: { code, message } });

describe("agent push outcome", () => {
  it("2xx with {success: true, accepted, duplicates}: stored", () => {
    assert.deepEqual(classifyAnswer({ status: 200, body: '{"success":true,"accepted":2,"duplicates":1}' }), {
      kind: "stored",
      accepted: 2,
      duplicates: 1,
    });
  });

  it("2xx with anything else (a captive portal, a proxy page): retried", () => {
    for (const body of [
      "<html>hi</html>",
      '{"success":true}',
      '{"success":true,"accepted":-1,"duplicates":0}',
      "",
    ]) {
      assert.equal(classifyAnswer({ status: 200, body }).kind, "retry", body);
    }
  });

  it("400 and 413: the batch is rejected, with the server message", () => {
    assert.deepEqual(
      classifyAnswer({
        status: 400,
        body: error("invalid-argument", "samples[0].cpu.percent: must be at most 100"),
      }),
      {
        kind: "rejected",
        status: 400,
        reason: "HTTP 400: invalid-argument: samples[0].cpu.percent: must be at most 100",
      },
    );
    assert.equal(classifyAnswer({ status: 413, body: "too large" }).kind, "rejected");
  });

  it("401 and 403: unauthorized", () => {
    assert.deepEqual(
      classifyAnswer({ status: 401, body: error("unauthenticated", "unknown or revoked agent key") }),
      {
        kind: "unauthorized",
        status: 401,
        reason: "HTTP 401: unauthenticated: unknown or revoked agent key",
      },
    );
    assert.equal(classifyAnswer({ status: 403, body: "" }).kind, "unauthorized");
  });

  it("429, 5xx and other statuses: retried, passing Retry-After on", () => {
    assert.deepEqual(
      classifyAnswer({ status: 429, body: error("resource-exhausted", "slow down"), retryAfter: "7" }),
      {
        kind: "retry",
        reason: "HTTP 429: resource-exhausted: slow down",
        retryAfter: "7",
      },
    );
    for (const status of [500, 502, 503, 504, 404, 408])
      assert.equal(classifyAnswer({ status, body: "" }).kind, "retry", String(status));
  });

  it("shortens a long non-JSON body to one line", () => {
    const outcome = classifyAnswer({ status: 502, body: `<html>\n${"x".repeat(1_000)}</html>` });
    assert.equal(outcome.kind, "retry");
    assert.ok(
      outcome.kind === "retry" && outcome.reason.length < 260 && !outcome.reason.includes("\n"),
      JSON.stringify(outcome),
    );
    assert.deepEqual(classifyAnswer({ status: 503, body: "" }), {
      kind: "retry",
      reason: "HTTP 503: (empty body)",
    });
  });
});
