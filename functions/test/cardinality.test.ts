/**
 * The cardinality policy as pure functions: shards keep names exactly within their budgets, the fold
 * keeps the heaviest complete names per type, and `(other)` holds exactly the rest, so a type's totals
 * always equal the sum over its names. No Firestore needed.
 */
import assert from "node:assert/strict";
import { OTHER_TRACE_NAME, PERFORMANCE_THRESHOLDS, type TraceType } from "@aideon-perf/core";
import {
  DEFAULT_NAME_BUDGET_PER_TYPE,
  SHARD_LIMITS,
  SHARD_MAX_BYTES,
  SLOW_RECORDS_PER_MINUTE,
  admitDelta,
  emptyShardContent,
  planMinute,
  type MinutePlan,
  type ShardContent,
} from "../src/aggregation/cardinality";
import {
  addFinishedTrace,
  emptyDelta,
  emptyStats,
  mergeStats,
  nameKey,
  SLOW_SAMPLES_PER_NAME,
  type StatsDelta,
  type TraceStats,
} from "../src/aggregation/trace-stats";
import { documentBytes, MAX_DOCUMENT_BYTES } from "../src/stored/document-bytes";

const T0 = Date.parse("2026-12-02T10:00:00Z");

function deltaOf(
  traces: Array<[TraceType, string, number]>,
  attributes: Record<string, string> = {},
): StatsDelta {
  const delta = emptyDelta();
  for (const [type, name, duration] of traces) {
    addFinishedTrace(delta, { trace_type: type, name, duration, attributes }, PERFORMANCE_THRESHOLDS[type], {
      end_ms: T0,
      server_ms: T0,
    });
  }
  return delta;
}

const shardOf = (...deltas: StatsDelta[]) =>
  deltas.reduce<ShardContent>((shard, d) => admitDelta(shard, d), emptyShardContent());

const countOf = (plan: MinutePlan, type: TraceType, name: string) =>
  plan.names[nameKey(type, name)]?.stats.count ?? 0;

/** Per type: its statistics equal the merge of its names' (other included): count, slow, sum, min, max. */
function assertTotalsAddUp(plan: MinutePlan): void {
  for (const [type, stats] of Object.entries(plan.types) as Array<[TraceType, TraceStats]>) {
    const sum = Object.values(plan.names)
      .filter((n) => n.trace_type === type)
      .reduce((acc, n) => mergeStats(acc, n.stats), emptyStats());
    assert.deepEqual(
      [sum.count, sum.slow, sum.abandoned, sum.min, sum.max],
      [stats.count, stats.slow, stats.abandoned, stats.min, stats.max],
      type,
    );
    // Sums are floats added in another order: equal up to rounding. The sketch (so every quantile) is exact.
    assert.ok(Math.abs(sum.sum - stats.sum) < 1e-9 * Math.max(1, stats.sum), `${type} sum`);
    assert.deepEqual(sum.sketch, stats.sketch, `${type} sketch`);
  }
}

describe("cardinality policy (pure)", () => {
  it("keeps every name exactly within the budget, with no (other)", () => {
    const plan = planMinute([
      shardOf(
        deltaOf([
          ["HTTP_REQUEST", "GET /", 0.1],
          ["HTTP_REQUEST", "GET /", 0.3],
          ["DATABASE_QUERY", "q", 0.05],
        ]),
      ),
    ]);
    assert.equal(countOf(plan, "HTTP_REQUEST", "GET /"), 2);
    assert.equal(countOf(plan, "DATABASE_QUERY", "q"), 1);
    assert.deepEqual(plan.budget, {});
    assertTotalsAddUp(plan);
  });

  it("keeps the heaviest names of a type past its budget and folds the rest into an exact (other); types never share a budget", () => {
    const flood = Array.from({ length: 50 }, (_, i): [TraceType, string, number] => [
      "EXTERNAL_API",
      `flood ${i}`,
      0.01 * (i + 1),
    ]);
    const steady = Array.from({ length: 20 }, (): [TraceType, string, number] => [
      "EXTERNAL_API",
      "GET api.example.com",
      0.2,
    ]);
    const http = Array.from({ length: 5 }, (_, i): [TraceType, string, number] => [
      "HTTP_REQUEST",
      `GET /${i}`,
      0.1,
    ]);
    const plan = planMinute([shardOf(deltaOf(flood)), shardOf(deltaOf([...steady, ...http]))], 10);
    assert.equal(
      countOf(plan, "EXTERNAL_API", "GET api.example.com"),
      20,
      "the heavy hitter is kept whatever came first",
    );
    const other = plan.names[nameKey("EXTERNAL_API", OTHER_TRACE_NAME)]!;
    assert.equal(other.stats.count, 41, "9 flood names kept beside the steady one, 41 folded");
    assert.deepEqual(plan.budget.EXTERNAL_API, { other_count: 41, names_over_budget: 41 });
    for (let i = 0; i < 5; i += 1) assert.equal(countOf(plan, "HTTP_REQUEST", `GET /${i}`), 1);
    assert.equal(plan.budget.HTTP_REQUEST, undefined);
    assertTotalsAddUp(plan);
  });

  it("moves a name a shard refused wholly into (other), even from the shards that kept it", () => {
    const limits = { ...SHARD_LIMITS, namesPerType: 2 };
    const full = admitDelta(
      admitDelta(
        emptyShardContent(),
        deltaOf([
          ["CUSTOM_TRACE", "a", 1],
          ["CUSTOM_TRACE", "b", 1],
        ]),
        limits,
      ),
      deltaOf([["CUSTOM_TRACE", "c", 2]]),
      limits,
    );
    assert.deepEqual(
      Object.values(full.names)
        .map((n) => n.name)
        .sort(),
      ["a", "b"],
    );
    assert.deepEqual(full.refused.CUSTOM_TRACE, [nameKey("CUSTOM_TRACE", "c")]);
    assert.equal(full.other.CUSTOM_TRACE?.stats.count, 1);
    const elsewhere = shardOf(
      deltaOf([
        ["CUSTOM_TRACE", "c", 3],
        ["CUSTOM_TRACE", "c", 4],
      ]),
    );
    const plan = planMinute([full, elsewhere]);
    assert.equal(countOf(plan, "CUSTOM_TRACE", "c"), 0, "c is incomplete in this minute, so not shown");
    assert.equal(countOf(plan, "CUSTOM_TRACE", OTHER_TRACE_NAME), 3);
    assert.equal(plan.names[nameKey("CUSTOM_TRACE", OTHER_TRACE_NAME)]!.stats.max, 4);
    assertTotalsAddUp(plan);
  });

  it("refuses a kept name whose growth would pass the byte budget, moving all it had into (other)", () => {
    const one = deltaOf([["CUSTOM_TRACE", "wide", 0.001]]);
    const limits = { ...SHARD_LIMITS, nameBytes: 1_000 };
    const shard = admitDelta(emptyShardContent(), one, limits);
    assert.ok(shard.names[nameKey("CUSTOM_TRACE", "wide")]);
    const spread = deltaOf(
      Array.from({ length: 200 }, (_, i): [TraceType, string, number] => [
        "CUSTOM_TRACE",
        "wide",
        0.001 * 1.05 ** i,
      ]),
    );
    admitDelta(shard, spread, limits);
    assert.equal(shard.names[nameKey("CUSTOM_TRACE", "wide")], undefined);
    assert.equal(shard.other.CUSTOM_TRACE?.stats.count, 201);
    assertTotalsAddUp(planMinute([shard]));
  });

  it("folds a type's whole minute into (other) when a shard refused more names than it can list", () => {
    const limits = { ...SHARD_LIMITS, namesPerType: 1, refusedKeysPerType: 2 };
    const shard = admitDelta(
      emptyShardContent(),
      deltaOf(["a", "b", "c", "d"].map((n): [TraceType, string, number] => ["DATABASE_QUERY", n, 0.1])),
      limits,
    );
    assert.deepEqual(shard.refused_overflow, ["DATABASE_QUERY"]);
    const plan = planMinute([
      shard,
      shardOf(
        deltaOf([
          ["DATABASE_QUERY", "a", 0.2],
          ["HTTP_REQUEST", "GET /", 0.1],
        ]),
      ),
    ]);
    assert.equal(countOf(plan, "DATABASE_QUERY", OTHER_TRACE_NAME), 5);
    assert.equal(countOf(plan, "HTTP_REQUEST", "GET /"), 1);
    assertTotalsAddUp(plan);
  });

  it("drops slow samples past the sample budget, counted, with the slow counts still exact", () => {
    const limits = { ...SHARD_LIMITS, sampleBytes: 600 };
    const slow = deltaOf(
      Array.from({ length: 10 }, (_, i): [TraceType, string, number] => [
        "HTTP_REQUEST",
        `GET /slow/${i}`,
        6 + i,
      ]),
      { route: "x".repeat(100) },
    );
    const shard = admitDelta(emptyShardContent(), slow, limits);
    assert.ok(shard.samples_dropped > 0 && shard.samples_dropped < 10, `${shard.samples_dropped} dropped`);
    const plan = planMinute([shard]);
    assert.equal(plan.types.HTTP_REQUEST?.slow, 10);
    assert.equal(plan.samples_dropped, shard.samples_dropped);
  });

  it("keeps at most SLOW_SAMPLES_PER_NAME slow records per name, the slowest, and the slowest across the minute", () => {
    const durations = Array.from({ length: SLOW_SAMPLES_PER_NAME + 2 }, (_, i) => 5.5 + i);
    const slow = deltaOf(
      durations.map((d): [TraceType, string, number] => ["HTTP_REQUEST", "POST /api/generate", d]),
    );
    const shard = shardOf(slow, deltaOf([["DATABASE_QUERY", "scan", 30]]));
    const kept = shard.names[nameKey("HTTP_REQUEST", "POST /api/generate")]!.slowest.map((s) => s.duration);
    assert.deepEqual(
      kept,
      [...durations].reverse().slice(0, SLOW_SAMPLES_PER_NAME),
      "the slowest, slowest first",
    );
    const plan = planMinute([shard], DEFAULT_NAME_BUDGET_PER_TYPE, 2);
    const records = Object.values(plan.names).flatMap((n) =>
      n.slowest.map((s) => [n.trace_type, s.duration]),
    );
    const slowest = durations.at(-1)!;
    assert.deepEqual(
      records.sort(),
      [
        ["DATABASE_QUERY", 30],
        ["HTTP_REQUEST", slowest],
      ].sort(),
      "30 s is 30x its 1 s threshold, ahead of HTTP's slowest",
    );
  });

  it("keeps exactly DEFAULT_NAME_BUDGET_PER_TYPE names at the edge: 1,000 of 1,000, and 1,000 of 1,001 with the last in (other)", () => {
    const names = (n: number) =>
      deltaOf(
        Array.from({ length: n }, (_, i): [TraceType, string, number] => [
          "DATABASE_QUERY",
          `q${String(i).padStart(4, "0")}`,
          0.01,
        ]),
      );
    const atBudget = planMinute([shardOf(names(DEFAULT_NAME_BUDGET_PER_TYPE))]);
    assert.equal(Object.keys(atBudget.names).length, DEFAULT_NAME_BUDGET_PER_TYPE);
    assert.deepEqual(atBudget.budget, {});
    const over = planMinute([shardOf(names(DEFAULT_NAME_BUDGET_PER_TYPE + 1))]);
    assert.equal(Object.keys(over.names).length, DEFAULT_NAME_BUDGET_PER_TYPE + 1, "1,000 names and (other)");
    assert.deepEqual(over.budget.DATABASE_QUERY, { other_count: 1, names_over_budget: 1 });
    assertTotalsAddUp(over);
  });

  it("writes at most SLOW_RECORDS_PER_MINUTE records at the edge: 500 of 500, 500 of 501", () => {
    const slow = (n: number) =>
      deltaOf(
        Array.from({ length: n }, (_, i): [TraceType, string, number] => [
          "HTTP_REQUEST",
          `GET /s${i}`,
          6 + i / 1000,
        ]),
      );
    const records = (plan: MinutePlan) => Object.values(plan.names).reduce((n, e) => n + e.slowest.length, 0);
    assert.equal(records(planMinute([shardOf(slow(SLOW_RECORDS_PER_MINUTE))])), SLOW_RECORDS_PER_MINUTE);
    const over = planMinute([shardOf(slow(SLOW_RECORDS_PER_MINUTE + 1))]);
    assert.equal(records(over), SLOW_RECORDS_PER_MINUTE);
    assert.equal(
      over.names[nameKey("HTTP_REQUEST", "GET /s0")]!.slowest.length,
      0,
      "the fastest of the 501 is the one left out",
    );
    assert.equal(over.types.HTTP_REQUEST?.slow, SLOW_RECORDS_PER_MINUTE + 1, "its count stays exact");
  });

  it("keeps a shard's names per type at the edge: 1,000 admitted, the 1,001st refused", () => {
    const shard = shardOf(
      deltaOf(
        Array.from({ length: SHARD_LIMITS.namesPerType + 1 }, (_, i): [TraceType, string, number] => [
          "CUSTOM_TRACE",
          `c${i}`,
          0.1,
        ]),
      ),
    );
    assert.equal(Object.keys(shard.names).length, SHARD_LIMITS.namesPerType);
    assert.equal(shard.refused.CUSTOM_TRACE?.length, 1);
  });

  it("is deterministic: the same shards plan the same, whatever their order", () => {
    // Durations in halves, exact in binary, so float sums agree in any order.
    const shards = [0, 1, 2].map((s) =>
      shardOf(
        deltaOf(
          Array.from({ length: 30 }, (_, i): [TraceType, string, number] => [
            "CUSTOM_TRACE",
            `n${(i * (s + 1)) % 17}`,
            0.5 * (i + 1),
          ]),
        ),
      ),
    );
    const clone = () => shards.map((s) => structuredClone(s));
    assert.deepEqual(planMinute(clone(), 5), planMinute(clone().reverse(), 5));
  });

  it("stays under 1 MiB with room when 10,000 distinct names with wide latency spreads reach one shard", () => {
    let shard: ShardContent = emptyShardContent();
    const types: TraceType[] = ["HTTP_REQUEST", "EXTERNAL_API", "DATABASE_QUERY", "CUSTOM_TRACE"];
    for (let batch = 0; batch < 20; batch += 1) {
      const traces: Array<[TraceType, string, number]> = [];
      for (let i = 0; i < 500; i += 1) {
        const type = types[i % types.length]!;
        // Every name spans 1 ms .. 60 s: many sketch bins per name, the widest entries a shard can hold.
        for (const d of [0.001, 0.05, 1, 10, 60])
          traces.push([type, `${type} name ${batch}-${i} ${"x".repeat(60)}`, d]);
      }
      shard = admitDelta(shard, deltaOf(traces, { k: "v".repeat(100) }));
    }
    const bytes = documentBytes("perf_agg_shards/m202612021000_s99", {
      ...shard,
      minute: "m202612021000",
      minute_start: T0,
      shard: 99,
      state: "open",
    });
    assert.ok(bytes <= SHARD_MAX_BYTES, `${bytes} bytes, bound ${SHARD_MAX_BYTES}`);
    assert.ok(SHARD_MAX_BYTES < 0.9 * MAX_DOCUMENT_BYTES, `bound ${SHARD_MAX_BYTES}`);
    const plan = planMinute([shard]);
    assert.equal(
      Object.values(plan.types).reduce((n, s) => n + s!.count, 0),
      50_000,
      "every trace counted",
    );
    assertTotalsAddUp(plan);
  });
});
