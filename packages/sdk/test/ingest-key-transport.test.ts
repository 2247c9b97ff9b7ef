/** The REST transport of an ingest-key monitor: paths, headers, error codes and which answers are retried. */
import assert from "node:assert/strict";
import { initPerformance, InvalidOptionError, RestCallError } from "../src/index";
import { isRetryable } from "../src/send-with-retry";
import { ingestKeyCall } from "../src/transport";

const KEY = `aik_${"A".repeat(20)}_${"b".repeat(43)}`;

function fakeFetch(
  status: number,
  body: unknown,
  seen: Array<{ url: string; init: RequestInit }>,
): typeof fetch {
  return (async (url: string, init: RequestInit) => {
    seen.push({ url, init });
    return new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json" } });
  }) as typeof fetch;
}

describe("SDK: ingest-key transport", () => {
  it("POSTs to the callable's REST route under the endpoint with the key as Bearer", async () => {
    const seen: Array<{ url: string; init: RequestInit }> = [];
    const call = ingestKeyCall(
      "https://demo.web.app/",
      KEY,
      fakeFetch(200, { success: true, batch_id: "b", accepted: 1, duplicate: false }, seen),
    );
    assert.deepEqual(await call("recordTraces", { batch_id: "b", traces: [] }), {
      success: true,
      batch_id: "b",
      accepted: 1,
      duplicate: false,
    });
    assert.equal(seen[0]!.url, "https://demo.web.app/api/v1/performance/record-traces");
    assert.equal((seen[0]!.init.headers as Record<string, string>).Authorization, `Bearer ${KEY}`);
    await call("stopTrace", { trace_id: "t" });
    assert.equal(seen[1]!.url, "https://demo.web.app/api/v1/performance/stop-trace");
  });

  for (const [status, code, retryable] of [
    [401, "unauthenticated", false],
    [400, "invalid-argument", false],
    [403, "permission-denied", false],
    [429, "resource-exhausted", true],
    [503, "unavailable", true],
  ] as const) {
    it(`HTTP ${status} rejects with code ${code}, ${retryable ? "retried" : "not retried"}`, async () => {
      const call = ingestKeyCall(
        "http://127.0.0.1:1",
        KEY,
        fakeFetch(status, { success: false, error: { code, message: "m" } }, []),
      );
      const error = await call("recordTraces", {}).then(
        () => assert.fail("resolved"),
        (e: unknown) => e,
      );
      assert.ok(error instanceof RestCallError);
      assert.equal(error.code, code);
      assert.equal(isRetryable(error), retryable);
    });
  }

  it("initPerformance({ingestKey, endpoint}) checks both", () => {
    assert.throws(
      () => initPerformance({ ingestKey: "apk_nope", endpoint: "https://x.web.app" }),
      InvalidOptionError,
    );
    assert.throws(() => initPerformance({ ingestKey: KEY, endpoint: "ftp://x" }), /endpoint/);
    assert.equal(
      initPerformance({ ingestKey: KEY, endpoint: "https://x.web.app", enabled: false }).enabled,
      false,
    );
  });
});
