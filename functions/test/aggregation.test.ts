/**
 * The aggregation pipeline with its real handlers (wrapped with firebase-functions-test) against a
 * real Firestore API server: triggers, the fold, abandoned traces, thresholds and the read callables.
 */
import assert from "node:assert/strict";
import type { DocumentSnapshot, Timestamp } from "firebase-admin/firestore";
import { CLIENT_TIME_MAX_FUTURE_MS, DAY_MS, PERFORMANCE_THRESHOLDS } from "@aideon-perf/core";
import {
  exactQuantile,
  logNormalSamples,
  relativeError,
  sortedCopy,
} from "../../packages/core/test/fixtures/random";
import { adminDb, clearFirestore, ensureFirestore } from "../../test/support/firestore";
import { COLLECTIONS } from "../src/firestore";
import * as fns from "../src/index";
import {
  admin,
  alice,
  bob,
  call,
  fft,
  recordedTrace,
  rejection,
  type Caller,
  withoutBackgroundTriggers,
} from "./helpers";

type Summary = {
  count: number;
  min_duration: number | null;
  max_duration: number | null;
  average_duration: number | null;
  p50_duration: number | null;
  p95_duration: number | null;
  p99_duration: number | null;
};
type SummaryResponse = { success: true; summary: Summary; trace_type: string | null; window: string };
type StatsResponse = {
  success: true;
  stats: Record<string, unknown> & {
    total_traces: number;
    traces_by_type: Record<string, number>;
    average_durations: Record<string, number>;
    active_traces: number;
    slow_operations_count: number;
    abandoned_traces: number;
  };
};
type SlowOpsResponse = {
  success: true;
  slow_operations: Array<{
    timestamp: string;
    message: string;
    type: string;
    context: { duration: number; threshold: number; attributes: Record<string, unknown> };
  }>;
  total_count: number;
  next_page_token: string | null;
};

const HOUR_MS = 3_600_000;

const deliverBatchCreated = (snap: DocumentSnapshot) =>
  (fft.wrap(fns.aggregateTraceBatch) as unknown as (e: unknown) => Promise<void>)({
    data: snap,
    params: { chunkId: snap.id },
  });

const deliverTraceUpdated = (before: DocumentSnapshot, after: DocumentSnapshot) =>
  (fft.wrap(fns.aggregateStoppedTrace) as unknown as (e: unknown) => Promise<void>)({
    data: fft.makeChange(before, after),
    params: { traceId: after.id },
  });

const runSchedule = (fn: typeof fns.foldAggregates, atMs: number) =>
  (fn as unknown as { run(e: unknown): Promise<void> }).run({
    scheduleTime: new Date(atMs).toISOString(),
    jobName: "test",
  });

async function chunksOf(batchId: string, caller: Caller) {
  const snap = await adminDb()
    .collection(COLLECTIONS.traceBatches)
    .where("batch_id", "==", batchId)
    .where("owner_uid", "==", caller.uid)
    .get();
  return snap.docs;
}

/** recordTraces, then the created-trigger for each stored chunk, as the platform would deliver it. */
async function record(batchId: string, traces: unknown[], caller: Caller = alice) {
  await call(fns.recordTraces, { batch_id: batchId, traces }, caller);
  for (const chunk of await chunksOf(batchId, caller)) await deliverBatchCreated(chunk);
}

const trace = (name: string, traceType: string, duration: number, extra: Record<string, unknown> = {}) =>
  recordedTrace(0, { name, trace_type: traceType, duration, start_time: new Date().toISOString(), ...extra });

const summary = (req: Record<string, unknown> = {}) => call<SummaryResponse>(fns.getTraceSummary, req, admin);
const stats = (req: Record<string, unknown> = {}) => call<StatsResponse>(fns.getStats, req, admin);
const slowOps = (req: Record<string, unknown> = {}) =>
  call<SlowOpsResponse>(fns.getSlowOperations, req, admin);
/** The fold writes slow-operation records: run it past the minutes just recorded. */
const foldNow = () => runSchedule(fns.foldAggregates, Date.now() + 3 * 60_000);

describe("aggregation pipeline (wrapped handlers, real Firestore)", function () {
  this.timeout(120_000);
  withoutBackgroundTriggers();
  before(ensureFirestore);
  beforeEach(clearFirestore);

  describe("getTraceSummary", () => {
    it("reports exact count, min and max and p50/p95/p99 within 1% of exact", async () => {
      const durations = logNormalSamples(2000, Math.log(0.2), 1, 42);
      for (let b = 0; b < durations.length / 500; b++) {
        const part = Array.from(durations.slice(b * 500, (b + 1) * 500), (d) =>
          trace("GET /items", "HTTP_REQUEST", d),
        );
        await record(`q-${b}`, part);
      }
      const sorted = sortedCopy(durations);
      for (const window of ["hour", "24h", "7d", "all"]) {
        const res = await summary({ trace_type: "HTTP_REQUEST", window });
        assert.equal(res.trace_type, "HTTP_REQUEST");
        assert.equal(res.window, window);
        assert.equal(res.summary.count, 2000, window);
        assert.equal(res.summary.min_duration, sorted[0]);
        assert.equal(res.summary.max_duration, sorted[sorted.length - 1]);
        const exactAvg = durations.reduce((a, b) => a + b, 0) / durations.length;
        assert.ok(relativeError(res.summary.average_duration!, exactAvg) < 1e-9);
        for (const [q, key] of [
          [0.5, "p50_duration"],
          [0.95, "p95_duration"],
          [0.99, "p99_duration"],
        ] as const) {
          const err = relativeError(res.summary[key]!, exactQuantile(sorted, q));
          assert.ok(err <= 0.01, `${key} relative error ${err}`);
        }
      }
    });

    it("keeps per-name statistics apart and requires the type with a name", async () => {
      await record("names", [
        trace("GET /a", "HTTP_REQUEST", 0.1),
        trace("GET /a", "HTTP_REQUEST", 0.3),
        trace("GET /b", "HTTP_REQUEST", 2),
        trace("GET /a", "EXTERNAL_API", 7),
      ]);
      const a = await summary({ trace_type: "HTTP_REQUEST", name: "GET /a" });
      assert.deepEqual([a.summary.count, a.summary.min_duration, a.summary.max_duration], [2, 0.1, 0.3]);
      const all = await summary();
      assert.equal(all.summary.count, 4);
      assert.equal(all.trace_type, null);
      const err = await rejection(summary({ name: "GET /a" }));
      assert.equal(err.code, "invalid-argument");
      assert.equal(err.details?.field, "trace_type");
      assert.equal((await summary({ trace_type: "DATABASE_QUERY" })).summary.count, 0);
    });
  });

  describe("exactly once", () => {
    it("counts a trigger event delivered twice once", async () => {
      await call(
        fns.recordTraces,
        { batch_id: "twice", traces: [trace("op", "CUSTOM_TRACE", 1), trace("op", "CUSTOM_TRACE", 2)] },
        alice,
      );
      const [chunk] = await chunksOf("twice", alice);
      await deliverBatchCreated(chunk!);
      await deliverBatchCreated(chunk!);
      await Promise.all([deliverBatchCreated(chunk!), deliverBatchCreated(chunk!)]);
      assert.equal((await summary({ trace_type: "CUSTOM_TRACE" })).summary.count, 2);
    });

    it("counts a retried batch once", async () => {
      const traces = [trace("op", "CUSTOM_TRACE", 1)];
      await record("retried", traces);
      await record("retried", traces);
      assert.equal((await summary()).summary.count, 1);
    });

    it("counts 20 concurrent batches of one type exactly", async () => {
      await Promise.all(
        Array.from({ length: 20 }, (_, b) =>
          record(
            `conc-${b}`,
            Array.from({ length: 25 }, (_, i) => trace("SELECT users", "DATABASE_QUERY", 0.001 * (i + 1))),
          ),
        ),
      );
      const res = await summary({ trace_type: "DATABASE_QUERY" });
      assert.equal(res.summary.count, 500);
      assert.equal(res.summary.max_duration, 0.025);
    });

    it("aggregates a stopped server trace once, however often its update is delivered", async () => {
      const { trace_id } = await call<{ trace_id: string }>(
        fns.startTrace,
        { name: "render", trace_type: "AI_GENERATION" },
        alice,
      );
      const ref = adminDb().collection(COLLECTIONS.traces).doc(trace_id);
      const before = await ref.get();
      await call(fns.stopTrace, { trace_id }, alice);
      const after = await ref.get();
      await Promise.all([deliverTraceUpdated(before, after), deliverTraceUpdated(before, after)]);
      await deliverTraceUpdated(before, after);
      const res = await summary({ trace_type: "AI_GENERATION" });
      assert.equal(res.summary.count, 1);
      assert.equal(res.summary.max_duration, after.get("duration"));
      // The aggregated mark is itself an update: delivered, it must change nothing.
      const marked = await ref.get();
      await deliverTraceUpdated(after, marked);
      assert.equal((await summary({ trace_type: "AI_GENERATION" })).summary.count, 1);
    });
  });

  describe("fold", () => {
    it("rolls closed minutes up without changing any answer, and a late event still counts once", async () => {
      await record("before-fold", [trace("op", "CUSTOM_TRACE", 1), trace("op", "CUSTOM_TRACE", 3)]);
      const before = await summary({ window: "hour" });
      await runSchedule(fns.foldAggregates, Date.now() + 3 * 60_000);
      const open = await adminDb().collection(COLLECTIONS.aggregateShards).where("state", "==", "open").get();
      assert.equal(open.size, 0, "every closed minute is folded");
      for (const window of ["hour", "24h", "7d", "all"]) {
        assert.deepEqual((await summary({ window })).summary, before.summary, window);
      }
      const byName = await summary({ trace_type: "CUSTOM_TRACE", name: "op" });
      assert.equal(byName.summary.count, 2);

      // A redelivery after the fold changes nothing; a late first delivery goes to the rollups.
      const [chunk] = await chunksOf("before-fold", alice);
      await deliverBatchCreated(chunk!);
      await call(fns.recordTraces, { batch_id: "late", traces: [trace("op", "CUSTOM_TRACE", 5)] }, alice);
      const [late] = await chunksOf("late", alice);
      await runSchedule(fns.foldAggregates, Date.now() + 3 * 60_000);
      await deliverBatchCreated(late!);
      const after = await summary({ trace_type: "CUSTOM_TRACE", window: "hour" });
      assert.deepEqual([after.summary.count, after.summary.max_duration], [3, 5]);
      assert.equal((await summary({ trace_type: "CUSTOM_TRACE", name: "op" })).summary.count, 3);
    });
  });

  describe("getStats", () => {
    it("answers in the contract's shape", async () => {
      await record("s", [
        trace("GET /", "HTTP_REQUEST", 1),
        trace("GET /", "HTTP_REQUEST", 2),
        trace("POST /api/generate", "HTTP_REQUEST", 8.5),
        trace("q", "DATABASE_QUERY", 0.3),
      ]);
      await call(fns.startTrace, { name: "still running" }, alice);
      const res = await stats();
      assert.equal(res.success, true);
      assert.equal(res.stats.total_traces, 4);
      assert.deepEqual(res.stats.traces_by_type, { HTTP_REQUEST: 3, DATABASE_QUERY: 1 });
      assert.equal(res.stats.average_durations.HTTP_REQUEST, 11.5 / 3);
      assert.equal(res.stats.average_durations.DATABASE_QUERY, 0.3);
      assert.equal(res.stats.active_traces, 1);
      assert.equal(res.stats.slow_operations_count, 1);
      assert.equal(res.stats.abandoned_traces, 0);
    });

    it("needs the admin claim", async () => {
      assert.equal((await rejection(call(fns.getStats, {}, alice))).code, "permission-denied");
      assert.equal((await rejection(call(fns.getStats, {}))).code, "unauthenticated");
      assert.equal((await rejection(call(fns.getSlowOperations, {}, bob))).code, "permission-denied");
      assert.equal(
        (await rejection(call(fns.setThresholds, { thresholds: { HTTP_REQUEST: null } }, bob))).code,
        "permission-denied",
      );
    });
  });

  describe("slow operations", () => {
    it("records exactly the traces above their type's poor threshold, in the contract's shape", async () => {
      const poor = PERFORMANCE_THRESHOLDS.HTTP_REQUEST.poor;
      await record("slow", [
        trace("POST /api/generate", "HTTP_REQUEST", 8.5, {
          attributes: { method: "POST", endpoint: "/api/generate" },
        }),
        trace("GET /ok", "HTTP_REQUEST", poor),
        trace("GET /ok", "HTTP_REQUEST", 0.2),
        trace("SELECT big", "DATABASE_QUERY", 1.5),
      ]);
      const live = await slowOps();
      assert.equal(live.total_count, 2, "counted at once, before any fold");
      await foldNow();
      const res = await slowOps();
      assert.deepEqual(
        live.slow_operations,
        res.slow_operations,
        "listed live from the shards as the fold then stores them",
      );
      assert.equal(res.total_count, 2);
      assert.equal(res.slow_operations.length, 2);
      const http = res.slow_operations.find((o) => o.type === "HTTP_REQUEST")!;
      assert.equal(http.message, "Slow HTTP_REQUEST operation: POST /api/generate");
      assert.deepEqual(http.context, {
        duration: 8.5,
        threshold: 5,
        attributes: { method: "POST", endpoint: "/api/generate" },
      });
      assert.match(http.timestamp, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
      const db = await slowOps({ trace_type: "DATABASE_QUERY" });
      assert.deepEqual([db.total_count, db.slow_operations[0]?.context.threshold], [1, 1]);
    });

    it("expires a far-future client's slow operation at receive time + retention, placed within the allowed skew", async () => {
      await record("far-future", [
        trace("GET /slow", "HTTP_REQUEST", 8.5, { start_time: "2099-12-31T23:59:59Z" }),
      ]);
      await foldNow();
      const [chunk] = await chunksOf("far-future", alice);
      const receivedMs = (chunk!.get("received_at") as Timestamp).toMillis();
      const [op] = (await adminDb().collection(COLLECTIONS.slowOperations).get()).docs;
      assert.equal(
        (op!.get("expire_at") as Timestamp).toMillis(),
        receivedMs + 30 * DAY_MS,
        "default retention is 30 days",
      );
      assert.equal(
        (op!.get("timestamp") as Timestamp).toMillis(),
        receivedMs + CLIENT_TIME_MAX_FUTURE_MS + 8500,
      );
    });

    for (const folded of [false, true]) {
      it(`pages newest first, every record exactly once (${folded ? "stored records" : "live, before the fold"})`, async () => {
        const base = Date.now() - HOUR_MS;
        const traces = Array.from({ length: 25 }, (_, i) =>
          trace(`slow ${i}`, "AUTHENTICATION", 10, { start_time: new Date(base + i * 1000).toISOString() }),
        );
        await record("paged", traces);
        if (folded) await foldNow();
        const seen: string[] = [];
        let token: string | null = null;
        let pages = 0;
        do {
          const page: SlowOpsResponse = await slowOps({ limit: 10, ...(token ? { page_token: token } : {}) });
          assert.equal(page.total_count, 25);
          seen.push(...page.slow_operations.map((o) => o.message));
          token = page.next_page_token;
          pages += 1;
        } while (token);
        assert.equal(pages, 3);
        assert.deepEqual(
          seen,
          Array.from({ length: 25 }, (_, i) => `Slow AUTHENTICATION operation: slow ${24 - i}`),
        );
        const err = await rejection(slowOps({ page_token: "not-a-token" }));
        assert.deepEqual([err.code, err.details?.field], ["invalid-argument", "page_token"]);
      });
    }
  });

  describe("thresholds", () => {
    it("applies an admin's override to new traces and resets it with null", async () => {
      const res = await call<{ thresholds: Record<string, { poor: number }> }>(
        fns.setThresholds,
        { thresholds: { CUSTOM_TRACE: { good: 0.1, acceptable: 0.2, poor: 0.5 } } },
        admin,
      );
      assert.equal(res.thresholds.CUSTOM_TRACE?.poor, 0.5);
      assert.equal(res.thresholds.HTTP_REQUEST?.poor, PERFORMANCE_THRESHOLDS.HTTP_REQUEST.poor);
      // The triggers' cache is per instance; this process's instance was just refreshed by set().
      await record("t1", [trace("op", "CUSTOM_TRACE", 1)]);
      assert.equal((await slowOps()).total_count, 1);
      const reset = await call<{ thresholds: Record<string, { poor: number }> }>(
        fns.setThresholds,
        { thresholds: { CUSTOM_TRACE: null } },
        admin,
      );
      assert.equal(reset.thresholds.CUSTOM_TRACE?.poor, PERFORMANCE_THRESHOLDS.CUSTOM_TRACE.poor);
      await record("t2", [trace("op", "CUSTOM_TRACE", 1)]);
      assert.equal((await slowOps()).total_count, 1);
    });

    it("rejects an inconsistent or unknown threshold naming the field", async () => {
      const bad = await rejection(
        call(fns.setThresholds, { thresholds: { HTTP_REQUEST: { good: 3, acceptable: 2, poor: 5 } } }, admin),
      );
      assert.deepEqual(
        [bad.code, bad.details?.field],
        ["invalid-argument", "thresholds.HTTP_REQUEST.acceptable"],
      );
      const unknown = await rejection(
        call(fns.setThresholds, { thresholds: { NOPE: { good: 1, acceptable: 2, poor: 3 } } }, admin),
      );
      assert.equal(unknown.code, "invalid-argument");
      assert.equal((await adminDb().collection(COLLECTIONS.config).get()).size, 0);
    });
  });

  describe("abandoned traces", () => {
    it("marks traces running past the limit abandoned: counted, never in durations, no longer stoppable", async () => {
      const { trace_id } = await call<{ trace_id: string }>(
        fns.startTrace,
        { name: "forgotten", trace_type: "FILE_OPERATION" },
        alice,
      );
      const { trace_id: fresh } = await call<{ trace_id: string }>(fns.startTrace, { name: "fresh" }, alice);
      await runSchedule(fns.markAbandonedTraces, Date.now() + 30 * 60_000);
      assert.equal((await stats()).stats.active_traces, 2, "30 minutes is within the 60-minute limit");
      await runSchedule(fns.markAbandonedTraces, Date.now() + 61 * 60_000);
      const res = await stats();
      assert.deepEqual(
        [res.stats.active_traces, res.stats.abandoned_traces, res.stats.total_traces],
        [0, 2, 0],
      );
      assert.equal((await summary({ trace_type: "FILE_OPERATION" })).summary.count, 0);
      const err = await rejection(call(fns.stopTrace, { trace_id }, alice));
      assert.equal(err.code, "failed-precondition");
      assert.match(err.message, /abandoned/);
      assert.ok(fresh);
    });
  });
});
