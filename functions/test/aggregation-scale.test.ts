/**
 * The aggregates under real cardinality and failure, with the real handlers against a real Firestore:
 * a flood of 10,000 distinct names beside steady traffic, a poisoned minute, a poison trigger event,
 * and source documents no trigger ever aggregated.
 */
import assert from "node:assert/strict";
import { Timestamp } from "firebase-admin/firestore";
import {
  bucketKey,
  MINUTE_MS,
  OTHER_TRACE_NAME,
  PERFORMANCE_THRESHOLDS,
  minuteStart,
} from "@aideon-perf/core";
import {
  exactQuantile,
  logNormalSamples,
  relativeError,
  sortedCopy,
} from "../../packages/core/test/fixtures/random";
import { adminDb, clearFirestore, ensureFirestore } from "../../test/support/firestore";
import { DEFAULT_NAME_BUDGET_PER_TYPE } from "../src/aggregation/cardinality";
import {
  FOLD_MAX_ATTEMPTS,
  foldClosedMinutes,
  sweepUnaggregated,
  SWEEP_MIN_AGE_MS,
} from "../src/aggregation/jobs";
import { MAX_COMMIT_BYTES } from "../src/stored/document-bytes";
import { addFinishedTrace, emptyDelta, nameKey } from "../src/aggregation/trace-stats";
import { COLLECTIONS } from "../src/firestore";
import * as fns from "../src/index";
import { services } from "../src/services";
import { statsStore } from "../src/aggregation/stats-store";
import { admin, alice, call, fft, recordedTrace, withoutBackgroundTriggers } from "./helpers";

type Summary = {
  count: number;
  min_duration: number | null;
  max_duration: number | null;
  average_duration: number | null;
  p50_duration: number | null;
  p95_duration: number | null;
  p99_duration: number | null;
};
type SummaryResponse = { summary: Summary; names_over_budget: number; other_count: number };

const deliverBatchCreated = (snap: FirebaseFirestore.DocumentSnapshot) =>
  (fft.wrap(fns.aggregateTraceBatch) as unknown as (e: unknown) => Promise<void>)({
    data: snap,
    params: { chunkId: snap.id },
    time: new Date().toISOString(),
  });

const summary = (req: Record<string, unknown>) => call<SummaryResponse>(fns.getTraceSummary, req, admin);

async function record(batchId: string, traces: unknown[]) {
  await call(fns.recordTraces, { batch_id: batchId, traces }, alice);
  const chunks = await adminDb().collection(COLLECTIONS.traceBatches).where("batch_id", "==", batchId).get();
  for (const chunk of chunks.docs) await deliverBatchCreated(chunk);
}

const at = (name: string, traceType: string, duration: number) =>
  recordedTrace(0, { name, trace_type: traceType, duration, start_time: new Date().toISOString() });

/** Stages one trace straight into a minute's shard (the triggers' own write path), as if recorded then. */
async function stageAt(minuteMs: number, name: string, duration: number, key: string) {
  const delta = emptyDelta();
  addFinishedTrace(
    delta,
    { name, trace_type: "CUSTOM_TRACE", duration },
    PERFORMANCE_THRESHOLDS.CUSTOM_TRACE,
    { end_ms: minuteMs, server_ms: minuteMs },
  );
  await adminDb().runTransaction(async (tx) =>
    (await services().store.stageDelta(tx, delta, minuteMs + 1_000, key, minuteMs + 1_000))(),
  );
}

const allTime = async (type: string, name: string) =>
  (
    await adminDb()
      .collection(COLLECTIONS.nameRollups)
      .doc(`all_${nameKey(type as "CUSTOM_TRACE", name)}`)
      .get()
  ).get("stats.count") as number | undefined;

describe("aggregation at scale and under failure (wrapped handlers, real Firestore)", function () {
  this.timeout(600_000);
  withoutBackgroundTriggers();
  before(ensureFirestore);
  beforeEach(clearFirestore);

  it("keeps every in-budget name exact through a flood of 10,000 names, with (other) exact and type totals equal to the sum over names", async () => {
    const steady = logNormalSamples(50, Math.log(0.2), 0.6, 11);
    const apiSteady = logNormalSamples(30, Math.log(0.4), 0.3, 12);
    // One anonymous user: 20 calls of 500 distinct EXTERNAL_API names, the heavy API name inside the flood.
    for (let call = 0; call < 20; call += 1) {
      const flood = Array.from({ length: 500 }, (_, i) =>
        at(`GET flood-${call}-${i}.example.com`, "EXTERNAL_API", 0.05 + (i % 7) * 0.01),
      );
      if (call < 10)
        flood.splice(
          250,
          3,
          ...[0, 1, 2].map((j) => at("GET api.stripe.com", "EXTERNAL_API", apiSteady[call * 3 + j]!)),
        );
      await record(`flood-${call}`, flood);
    }
    for (let i = 0; i < 50; i += 10)
      await record(
        `steady-${i}`,
        Array.from(steady.slice(i, i + 10), (d) => at("GET /items", "HTTP_REQUEST", d)),
      );

    const folded = await foldClosedMinutes(services(), Date.now() + 3 * MINUTE_MS);
    assert.equal(folded.failed, 0);
    assert.equal(folded.traces, 10_050);

    // The unrelated type's name is exact: count, min, max, average; p50/p95/p99 within 1%.
    const sorted = sortedCopy(Float64Array.from(steady));
    for (const window of ["hour", "24h", "all"]) {
      const http = await summary({ trace_type: "HTTP_REQUEST", name: "GET /items", window });
      assert.deepEqual(
        [http.summary.count, http.summary.min_duration, http.summary.max_duration],
        [50, sorted[0], sorted[49]],
        window,
      );
      assert.ok(
        Math.abs(http.summary.average_duration! - steady.reduce((a, b) => a + b, 0) / 50) < 1e-12,
        window,
      );
      for (const [q, key] of [
        [0.5, "p50_duration"],
        [0.95, "p95_duration"],
        [0.99, "p99_duration"],
      ] as const) {
        assert.ok(relativeError(http.summary[key]!, exactQuantile(sorted, q)) <= 0.01, `${window} ${key}`);
      }
      assert.deepEqual(
        [http.names_over_budget, http.other_count],
        [0, 0],
        "HTTP_REQUEST never shares EXTERNAL_API's budget",
      );
    }
    // The heavy hitter of the flooded type is kept, exactly.
    const stripe = await summary({ trace_type: "EXTERNAL_API", name: "GET api.stripe.com" });
    assert.equal(stripe.summary.count, 30);

    // Every EXTERNAL_API name rollup equals its ground truth; (other) holds exactly the rest.
    const names = await adminDb()
      .collection(COLLECTIONS.nameRollups)
      .where("granularity", "==", "all")
      .where("trace_type", "==", "EXTERNAL_API")
      .get();
    const otherDoc = names.docs.find((d) => d.get("name") === OTHER_TRACE_NAME);
    const kept = names.docs.filter((d) => d.get("name") !== OTHER_TRACE_NAME);
    const minutes = new Set(
      (await adminDb().collection(COLLECTIONS.aggregateFolds).get()).docs.map((d) => d.id),
    ).size;
    assert.ok(
      kept.length >= DEFAULT_NAME_BUDGET_PER_TYPE && kept.length <= DEFAULT_NAME_BUDGET_PER_TYPE * minutes,
      `${kept.length} names kept over ${minutes} minute(s)`,
    );
    for (const doc of kept)
      assert.equal(
        doc.get("stats.count"),
        doc.get("name") === "GET api.stripe.com" ? 30 : 1,
        doc.get("name"),
      );
    const keptTraces = kept.reduce((n, d) => n + (d.get("stats.count") as number), 0);
    assert.equal(otherDoc!.get("stats.count"), 10_000 - keptTraces, "(other) is exactly the rest");
    const type = await summary({ trace_type: "EXTERNAL_API" });
    assert.equal(type.summary.count, 10_000, "the type total is the sum over its names");
    assert.equal(type.other_count, 10_000 - keptTraces);
    // 9,970 flood names and the heavy one: every name not kept is counted over budget (per minute it fell in).
    const distinct = 9_971;
    if (minutes === 1) assert.equal(type.names_over_budget, distinct - kept.length);
    else
      assert.ok(
        type.names_over_budget >= distinct - kept.length,
        `${type.names_over_budget} name-minutes over budget`,
      );
    const stats = await call<{ stats: { total_traces: number; other_count: number } }>(
      fns.getStats,
      {},
      admin,
    );
    assert.deepEqual([stats.stats.total_traces, stats.stats.other_count], [10_050, type.other_count]);

    // The registry answers which names exist; every fold commit stayed far under Firestore's 10 MiB.
    const registry = await services().store.names("EXTERNAL_API", 5_000);
    assert.equal(registry.length, kept.length + 1);
    const listed = await call<{ names: Array<{ name: string; first_seen: string; last_seen: string }> }>(
      fns.getTraceNames,
      { trace_type: "HTTP_REQUEST" },
      admin,
    );
    assert.deepEqual(
      listed.names.map((n) => n.name),
      ["GET /items"],
    );
    assert.match(listed.names[0]!.first_seen, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:00\.000Z$/);
    const other = await summary({ trace_type: "EXTERNAL_API", name: OTHER_TRACE_NAME });
    assert.equal(other.summary.count, 10_000 - keptTraces, "(other) reads like any name");
    const folds = (await adminDb().collection(COLLECTIONS.aggregateFolds).get()).docs;
    assert.ok(folds.every((d) => d.get("state") === "done"));
  });

  it("sets a poisoned minute aside with a dead letter while later minutes fold, and a re-run after the fix folds it exactly once", async () => {
    const poisoned = minuteStart(Date.now()) - 10 * MINUTE_MS;
    await stageAt(poisoned, "op", 1, "before");
    const [shard] = (await adminDb().collection(COLLECTIONS.aggregateShards).get()).docs;
    const good = shard!.data();
    await shard!.ref.update({ "names.bogus": { name: 7 } });

    for (let run = 1; run <= FOLD_MAX_ATTEMPTS; run += 1) {
      const later = poisoned + run * MINUTE_MS;
      await stageAt(later, "op", 2, `later-${run}`);
      const result = await foldClosedMinutes(services(), later + 2 * MINUTE_MS);
      assert.deepEqual(
        [result.minutes, result.failed],
        [1, 1],
        `run ${run}: the later minute folds, the poisoned one fails`,
      );
      assert.equal(result.setAside, run === FOLD_MAX_ATTEMPTS ? 1 : 0);
    }
    const [letter] = await services().deadLetters.open();
    assert.deepEqual(
      [letter?.kind, letter?.subject, letter?.attempts],
      ["fold", bucketKey("minute", poisoned), FOLD_MAX_ATTEMPTS],
    );
    assert.match(letter!.reason, /names\.bogus/);
    const health = await services().health.evaluate(Date.now());
    assert.ok(
      health.issues.includes("Aggregation work set aside: 1 open dead letter (perf_dead_letters)"),
      health.issues.join("; "),
    );
    assert.equal(
      (await foldClosedMinutes(services(), poisoned + 10 * MINUTE_MS)).failed,
      0,
      "a set-aside minute is no longer retried",
    );
    assert.equal(await allTime("CUSTOM_TRACE", "op"), FOLD_MAX_ATTEMPTS, "the later minutes counted");
    // Readers skip the set-aside minute; the late event to it goes to an open minute.
    assert.equal((await summary({ trace_type: "CUSTOM_TRACE" })).summary.count, FOLD_MAX_ATTEMPTS);

    await shard!.ref.set(good);
    await shard!.ref.update({ state: "set_aside" });
    const refold = (minute: string) =>
      call<{ reopened: number; traces: number; state: string }>(fns.refoldMinute, { minute }, admin);
    const rerun = await refold(bucketKey("minute", poisoned));
    assert.deepEqual([rerun.reopened, rerun.traces, rerun.state], [1, 1, "folded"]);
    assert.equal(
      (await refold(bucketKey("minute", poisoned))).state,
      "already_done",
      "a second re-run changes nothing",
    );
    assert.equal(await allTime("CUSTOM_TRACE", "op"), FOLD_MAX_ATTEMPTS + 1, "folded exactly once");
    assert.equal((await summary({ trace_type: "CUSTOM_TRACE" })).summary.count, FOLD_MAX_ATTEMPTS + 1);
    assert.deepEqual(await services().deadLetters.open(), [], "its dead letter resolved");
    assert.equal((await services().health.evaluate(Date.now())).issues.length, 0);
  });

  it("ends a poison trigger event as a dead letter, acknowledged, and the sweeper passes it by", async () => {
    const ref = adminDb().collection(COLLECTIONS.traceBatches).doc("poison_0");
    const received = Timestamp.fromMillis(Date.now() - SWEEP_MIN_AGE_MS - MINUTE_MS);
    await ref.set({
      batch_id: "poison",
      owner_uid: "alice-uid",
      chunk: 0,
      chunk_count: 1,
      trace_count: 1,
      traces: [{ name: "x", duration: -1 }],
      clamped_start_times: 0,
      received_at: received,
      expire_at: received,
      aggregated: false,
      dead_letter: false,
    });
    await deliverBatchCreated(await ref.get()); // resolves: acknowledged, not retried
    const [letter] = await services().deadLetters.open();
    assert.deepEqual([letter?.kind, letter?.subject], ["trigger", ref.path]);
    assert.match(letter!.reason, /traces\.0/);
    assert.equal((await ref.get()).get("dead_letter"), true);
    assert.deepEqual(await sweepUnaggregated(services(), Date.now()), { redriven: 0, deadLettered: 0 });
  });

  it("re-drives a source document no trigger aggregated, once", async () => {
    await call(fns.recordTraces, { batch_id: "lost", traces: [at("GET /lost", "HTTP_REQUEST", 0.2)] }, alice);
    const [chunk] = (await adminDb().collection(COLLECTIONS.traceBatches).get()).docs;
    assert.deepEqual(
      await sweepUnaggregated(services(), Date.now()),
      { redriven: 0, deadLettered: 0 },
      "too young to sweep",
    );
    const later = Date.now() + SWEEP_MIN_AGE_MS + MINUTE_MS;
    assert.deepEqual(await sweepUnaggregated(services(), later), { redriven: 1, deadLettered: 0 });
    assert.deepEqual(await sweepUnaggregated(services(), later), { redriven: 0, deadLettered: 0 });
    await deliverBatchCreated(chunk!); // the lost event turns up after all: nothing counted twice
    assert.equal((await summary({ trace_type: "HTTP_REQUEST", name: "GET /lost" })).summary.count, 1);
  });

  it("applies a configured name budget (AGGREGATE_NAME_BUDGET) to shards and fold alike", async () => {
    const store = statsStore(adminDb(), { retentionDays: () => 30, nameBudget: () => 5 });
    const minute = minuteStart(Date.now()) - 5 * MINUTE_MS;
    const delta = emptyDelta();
    for (let i = 0; i < 8; i += 1) {
      for (let n = 0; n <= i; n += 1)
        addFinishedTrace(
          delta,
          { name: `q${i}`, trace_type: "DATABASE_QUERY", duration: 0.01 },
          PERFORMANCE_THRESHOLDS.DATABASE_QUERY,
          { end_ms: minute, server_ms: minute },
        );
    }
    await adminDb().runTransaction(async (tx) =>
      (await store.stageDelta(tx, delta, minute, "budget", minute))(),
    );
    await store.foldMinute(minute, minute + 2 * MINUTE_MS);
    const names = (await store.names("DATABASE_QUERY", 100)).map((n) => n.name).sort();
    assert.deepEqual(names, ["(other)", "q3", "q4", "q5", "q6", "q7"], "the 5 heaviest and (other)");
    assert.equal(await allTime("DATABASE_QUERY", OTHER_TRACE_NAME), 1 + 2 + 3, "q0..q2 in (other)");
  });

  it("keeps every fold commit bounded: 50 names a commit, far below 10 MiB", async () => {
    const minute = minuteStart(Date.now()) - 5 * MINUTE_MS;
    const delta = emptyDelta();
    for (let i = 0; i < 120; i += 1) {
      for (const d of [0.001, 0.1, 10, 600, 6_000])
        addFinishedTrace(
          delta,
          { name: `wide ${i}`, trace_type: "CUSTOM_TRACE", duration: d, attributes: { k: "v".repeat(100) } },
          PERFORMANCE_THRESHOLDS.CUSTOM_TRACE,
          { end_ms: minute, server_ms: minute },
        );
    }
    await adminDb().runTransaction(async (tx) =>
      (await services().store.stageDelta(tx, delta, minute, "wide", minute))(),
    );
    const result = await services().store.foldMinute(minute, minute + 2 * MINUTE_MS);
    assert.equal(result.names, 120);
    assert.equal(result.commits, 1 + Math.ceil(120 / 50) + 1, "seal, three name chunks, the type step");
    assert.ok(result.largestCommit.documents <= 50 * 8, `${result.largestCommit.documents} documents`);
    assert.ok(result.largestCommit.bytes < MAX_COMMIT_BYTES / 4, `${result.largestCommit.bytes} bytes`);
  });
});
