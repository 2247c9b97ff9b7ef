/**
 * End to end through the whole local pipeline: the client SDK records traces with known durations
 * (recordTraces and startTrace/stopTrace), Firestore triggers aggregate them (fired by the relay where
 * the official emulator is absent) and the admin read callables report them.
 */
import assert from "node:assert/strict";
import { PERFORMANCE_THRESHOLDS } from "@aideon-perf/core";
import {
  exactQuantile,
  logNormalSamples,
  relativeError,
  sortedCopy,
} from "../../packages/core/test/fixtures/random";
import { clearFirestore } from "../support/firestore";
import { requireEmulators } from "../support/emulators";
import { adminClient, signedInClient, type Client } from "../support/client";
import { waitFor } from "../support/wait";

interface Summary {
  count: number;
  min_duration: number | null;
  max_duration: number | null;
  p50_duration: number | null;
  p95_duration: number | null;
  p99_duration: number | null;
}

describe("aggregation end to end (client SDK -> callables -> triggers -> read callables)", function () {
  this.timeout(120_000);
  let recorder: Client;
  let admin: Client;

  before(async function () {
    const emulators = await requireEmulators(this, "functions", "auth");
    recorder = await signedInClient(emulators);
    admin = await adminClient(emulators);
  });
  beforeEach(clearFirestore);
  after(async () => Promise.all([recorder, admin].filter(Boolean).map((c) => c.close())));

  const summary = (req: Record<string, unknown>) =>
    admin.call<{ summary: Summary }>("getTraceSummary", req).then((r) => r.summary);

  it("reports exact count, min, max and percentiles within 1%, and exactly the slow operations", async () => {
    const durations = logNormalSamples(600, Math.log(0.5), 1, 7);
    const now = Date.now();
    const traces = Array.from(durations, (duration, i) => ({
      name: `GET /api/items`,
      trace_type: "HTTP_REQUEST",
      start_time: new Date(now - 60_000 + i).toISOString(),
      duration,
      attributes: { method: "GET", i },
    }));
    for (let b = 0; b < 3; b++) {
      await recorder.call("recordTraces", {
        batch_id: `e2e-agg-${b}`,
        traces: traces.slice(b * 200, (b + 1) * 200),
      });
    }
    const { trace_id } = await recorder.call<{ trace_id: string }>("startTrace", {
      name: "GET /api/items",
      trace_type: "HTTP_REQUEST",
    });
    const stopped = await recorder.call<{ duration: number }>("stopTrace", { trace_id });

    const got = await waitFor(
      () => summary({ trace_type: "HTTP_REQUEST", window: "hour" }),
      (s) => s.count >= 601,
    );
    assert.equal(got.count, 601);
    const exact = sortedCopy(Float64Array.from([...durations, stopped.duration]));
    for (const window of ["24h", "7d", "all"]) {
      const s = await summary({ trace_type: "HTTP_REQUEST", name: "GET /api/items", window });
      assert.equal(s.count, 601, window);
      assert.equal(s.min_duration, exact[0], window);
      assert.equal(s.max_duration, exact[exact.length - 1], window);
      for (const [q, key] of [
        [0.5, "p50_duration"],
        [0.95, "p95_duration"],
        [0.99, "p99_duration"],
      ] as const) {
        const err = relativeError(s[key]!, exactQuantile(exact, q));
        assert.ok(err <= 0.01, `${window} ${key}: ${s[key]} vs exact ${exactQuantile(exact, q)} (${err})`);
      }
    }

    const poor = PERFORMANCE_THRESHOLDS.HTTP_REQUEST.poor;
    const expectedSlow = durations.filter((d) => d > poor).length;
    const slow = await admin.call<{
      total_count: number;
      slow_operations: Array<{ context: { duration: number } }>;
    }>("getSlowOperations", { limit: 100, trace_type: "HTTP_REQUEST" });
    assert.ok(expectedSlow > 0, "the sample has slow traces");
    assert.equal(slow.total_count, expectedSlow);
    assert.deepEqual(
      slow.slow_operations.map((o) => o.context.duration).sort((a, b) => a - b),
      Array.from(durations.filter((d) => d > poor)).sort((a, b) => a - b),
    );

    const stats = await admin.call<{
      stats: { total_traces: number; traces_by_type: Record<string, number> };
    }>("getStats", {});
    assert.equal(stats.stats.total_traces, 601);
    assert.deepEqual(stats.stats.traces_by_type, { HTTP_REQUEST: 601 });
  });

  it("refuses reads to users without the admin claim", async () => {
    const err = await recorder.call("getStats", {}).then(
      () => undefined,
      (e: { code?: string }) => e,
    );
    assert.equal(err?.code, "functions/permission-denied");
  });
});
