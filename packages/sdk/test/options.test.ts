import assert from "node:assert/strict";
import { initializeApp, deleteApp } from "firebase/app";
import {
  DEFAULT_OPTIONS,
  InvalidOptionError,
  getPerformanceMonitor,
  initPerformance,
  type PerformanceOptions,
} from "../src";
import { resolveOptions } from "../src/options";
import { closeMonitors } from "./support";

describe("sdk: options", () => {
  afterEach(closeMonitors);

  it("documents its defaults, and respects the server's batch limit", () => {
    const resolved = resolveOptions({});
    assert.deepEqual(
      Object.fromEntries(
        Object.keys(DEFAULT_OPTIONS).map((k) => [k, resolved[k as keyof typeof DEFAULT_OPTIONS]]),
      ),
      { ...DEFAULT_OPTIONS },
    );
    assert.equal(DEFAULT_OPTIONS.maxBatchSize, 500);
    assert.equal(resolved.autoCollection, true);
  });

  it("PERFORMANCE_AUTO_COLLECTION=false turns automatic request monitoring off by default", () => {
    const saved = process.env.PERFORMANCE_AUTO_COLLECTION;
    try {
      process.env.PERFORMANCE_AUTO_COLLECTION = "false";
      assert.equal(resolveOptions({}).autoCollection, false);
      assert.equal(resolveOptions({ autoCollection: true }).autoCollection, true);
      process.env.PERFORMANCE_AUTO_COLLECTION = "true";
      assert.equal(resolveOptions({}).autoCollection, true);
    } finally {
      if (saved === undefined) delete process.env.PERFORMANCE_AUTO_COLLECTION;
      else process.env.PERFORMANCE_AUTO_COLLECTION = saved;
    }
  });

  it("an option given as undefined takes its default", () => {
    assert.equal(resolveOptions({ maxBatchSize: undefined }).maxBatchSize, 500);
  });

  const BAD: Array<[PerformanceOptions, RegExp]> = [
    [{ samplingRate: 1.5 }, /samplingRate: must be a number from 0 to 1, not 1\.5/],
    [{ samplingRate: NaN }, /samplingRate: must be a number from 0 to 1, not NaN/],
    [{ maxBatchSize: 501 }, /maxBatchSize: must be a whole number from 1 to 500, not 501/],
    [{ maxBatchSize: 0 }, /maxBatchSize/],
    [{ maxBatchSize: 100, maxQueueSize: 99 }, /maxQueueSize: must be a whole number at least 100, not 99/],
    [{ flushIntervalMs: 0 }, /flushIntervalMs/],
    [{ flushIntervalMs: 2.5 }, /flushIntervalMs/],
    [{ maxRetries: -1 }, /maxRetries/],
    [{ initialRetryDelayMs: 100, maxRetryDelayMs: 50 }, /maxRetryDelayMs: must be a whole number from 100/],
    [{ shutdownTimeoutMs: -1 }, /shutdownTimeoutMs/],
    [{ onInvalid: "ignore" as "drop" }, /onInvalid: must be "drop" or "throw", not "ignore"/],
    [{ enabled: "yes" as unknown as boolean }, /enabled: must be true or false/],
    [{ transport: "http" as never }, /transport: must be a function, not "http"/],
    [
      { clock: { now: () => 1 } as never },
      /clock: must be an object with now\(\) and epochMs\(\), not an object/,
    ],
  ];
  for (const [options, message] of BAD) {
    it(`rejects ${JSON.stringify(options)} when the monitor is made`, () => {
      assert.throws(
        () => resolveOptions(options),
        (e: unknown) => e instanceof InvalidOptionError && message.test(e.message),
      );
    });
  }

  it("enabled: false gives the no-op monitor: a shared trace, nothing recorded, no timers", async () => {
    const app = initializeApp({ projectId: "demo-sdk-unit", apiKey: "demo-api-key" }, "sdk-disabled");
    try {
      const perf = initPerformance(app, { enabled: false });
      assert.equal(perf.enabled, false);
      assert.equal(getPerformanceMonitor(), perf);
      const a = perf.startTrace("a");
      assert.equal(perf.startTrace("b", "HTTP_REQUEST", { k: 1 }), a, "one shared no-op trace");
      assert.equal(a.addAttribute("k", 1).addMetric("m", 1).incrementMetric("m").updateName("c"), a);
      assert.equal(a.stop(), 0);
      assert.equal(a.isRecording, false);
      assert.equal(
        perf.trace("t", "CUSTOM_TRACE", (t) => (t === a ? "ran with the no-op trace" : "other")),
        "ran with the no-op trace",
      );
      assert.equal((await perf.startRemoteTrace("r")).traceId, "");
      const nativeFetch = globalThis.fetch;
      assert.equal(perf.wrapFetch(nativeFetch), nativeFetch);
      perf.instrumentFetch()();
      assert.equal(globalThis.fetch, nativeFetch);
      let nextCalled = false;
      perf.expressMiddleware()(
        { method: "GET", headers: {} },
        { statusCode: 200, getHeader: () => undefined, once: () => undefined },
        () => (nextCalled = true),
      );
      assert.ok(nextCalled);
      await perf.flush();
      await perf.shutdown();
      assert.deepEqual(perf.stats().sent + perf.stats().queued, 0);
    } finally {
      await deleteApp(app);
    }
  });
});
