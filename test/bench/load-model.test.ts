/**
 * The load model's claims, as arithmetic: batching is far cheaper than a document per trace, no
 * document of ours goes past 1 write/s at 10,000 traces/s, and costs scale the way the design says.
 */
import assert from "node:assert/strict";
import { AGGREGATE_SHARDS } from "../../functions/src/aggregation/shards";
import { SLOW_SAMPLES_PER_NAME } from "../../functions/src/aggregation/trace-stats";
import {
  DEFAULT_NAMES_PER_MINUTE,
  FREE_SPANS_PER_MONTH,
  MINUTES_PER_MONTH,
  SECONDS_PER_MONTH,
  USD_PER_INVOCATION,
  USD_PER_READ,
  USD_PER_SPAN,
  USD_PER_WRITE,
  foldPerMinute,
  loadModel,
  loadModelTable,
  type Design,
  type LoadRow,
} from "../../bench/scale/load-model";

function row(rows: LoadRow[], tracesPerSecond: number, design: Design): LoadRow {
  const found = rows.find((r) => r.tracesPerSecond === tracesPerSecond && r.design === design);
  assert.ok(found, `${design} at ${tracesPerSecond}/s`);
  return found;
}

const close = (actual: number, expected: number, what: string) =>
  assert.ok(
    Math.abs(actual - expected) <= 1e-9 * Math.max(1, Math.abs(expected)),
    `${what}: ${actual} != ${expected}`,
  );

describe("load model (pure)", () => {
  const rows = loadModel();

  it("at 1,000 traces/s the batched design costs far less than one document per trace", () => {
    const ours = row(rows, 1_000, "aideon-perf (batched)");
    const perTrace = row(rows, 1_000, "one document per trace");
    assert.ok(
      ours.dollars.total * 20 < perTrace.dollars.total,
      `${ours.dollars.total} vs ${perTrace.dollars.total}`,
    );
    assert.ok(ours.writesPerMonth! * 20 < perTrace.writesPerMonth!);
    assert.ok(ours.invocationsPerMonth! * 50 < perTrace.invocationsPerMonth!);
  });

  it("keeps our busiest document at or under 1 write/s at 10,000 traces/s, where a type aggregate takes 4,000", () => {
    assert.ok(row(rows, 10_000, "aideon-perf (batched)").busiestDocWritesPerSecond! <= 1);
    assert.equal(row(rows, 10_000, "one document per trace").busiestDocWritesPerSecond, 4_000);
    assert.equal(row(rows, 10_000, "Cloud Trace").busiestDocWritesPerSecond, null);
    // Below the shards' rate, the fold's own documents (a few writes a minute) are the busiest.
    assert.ok(row(rows, 100, "aideon-perf (batched)").busiestDocWritesPerSecond! < 0.05);
  });

  it("commits ceil(names/50) + 2 times per fold", () => {
    for (const names of [1, 49, 50, 51, 200, 1_000]) {
      const ours = loadModel({ tracesPerSecond: [1_000], namesPerMinute: names }).find(
        (r) => r.design === "aideon-perf (batched)",
      )!;
      assert.equal(ours.commitsPerFold, Math.ceil(names / 50) + 2, `${names} names`);
    }
    assert.equal(
      row(rows, 1_000, "aideon-perf (batched)").commitsPerFold,
      Math.ceil(DEFAULT_NAMES_PER_MINUTE / 50) + 2,
    );
    assert.equal(row(rows, 1_000, "one document per trace").commitsPerFold, null);
  });

  it("counts the batched design exactly: 3 writes, 3 reads, 2 invocations per batch plus the fold", () => {
    const tps = 1_000;
    const batches = (tps / 100) * SECONDS_PER_MONTH;
    const fold = foldPerMinute(tps, {
      namesPerMinute: 200,
      types: 4,
      batchSize: 100,
      slowFraction: 0.05,
      busiestTypeShare: 0.4,
    });
    // 200 names x 4 rollups + 200/60 registry + 4 types x 4 rollups + 2 fold state + 200 shards + 500 slow (capped).
    close(fold.writes, 800 + 200 / 60 + 16 + 2 + AGGREGATE_SHARDS + 500, "fold writes");
    close(fold.reads, 800 + 200 / 60 + 16 + 1 + AGGREGATE_SHARDS, "fold reads");
    const ours = row(rows, tps, "aideon-perf (batched)");
    close(ours.writesPerMonth!, batches * 3 + fold.writes * MINUTES_PER_MONTH, "writes");
    close(ours.readsPerMonth!, batches * 3 + fold.reads * MINUTES_PER_MONTH, "reads");
    close(ours.invocationsPerMonth!, batches * 2 + MINUTES_PER_MONTH, "invocations");
  });

  it("caps slow records at SLOW_SAMPLES_PER_NAME per name and 500 a minute, and never folds more shards than batches", () => {
    const p = { namesPerMinute: 200, types: 4, batchSize: 100, slowFraction: 0.05, busiestTypeShare: 0.4 };
    assert.equal(foldPerMinute(100, p).slowRecords, 300); // 5% of 6,000 traces
    assert.equal(foldPerMinute(10_000, p).slowRecords, 500);
    assert.equal(foldPerMinute(10_000, { ...p, namesPerMinute: 10 }).slowRecords, 10 * SLOW_SAMPLES_PER_NAME);
    assert.equal(foldPerMinute(100, p).shards, 60);
    assert.equal(
      foldPerMinute(10_000, p).shards,
      AGGREGATE_SHARDS,
      "6,000 batches a minute touch every shard",
    );
  });

  it("prices each row from its counts, and scales dollars as the designs say", () => {
    for (const r of rows) {
      const spans = Math.max(0, (r.spansPerMonth ?? 0) - FREE_SPANS_PER_MONTH);
      const expected =
        (r.writesPerMonth ?? 0) * USD_PER_WRITE +
        (r.readsPerMonth ?? 0) * USD_PER_READ +
        (r.invocationsPerMonth ?? 0) * USD_PER_INVOCATION +
        spans * USD_PER_SPAN;
      close(r.dollars.total, expected, `${r.design} at ${r.tracesPerSecond}/s`);
    }
    // A document per trace is linear in traffic.
    close(
      row(rows, 10_000, "one document per trace").dollars.total,
      10 * row(rows, 1_000, "one document per trace").dollars.total,
      "per-trace x10",
    );
    close(row(rows, 1_000, "one document per trace").dollars.total, 7_516.8, "per-trace at 1,000/s");
    // Cloud Trace is linear past its free 2.5 million spans.
    close(
      row(rows, 1_000, "Cloud Trace").dollars.total,
      (2_592_000_000 - 2_500_000) * 0.2e-6,
      "Cloud Trace at 1,000/s",
    );
    // Ours grows with traffic, but less than linearly: the fold's cost per minute hardly depends on it.
    const ours = [100, 1_000, 10_000].map((tps) => row(rows, tps, "aideon-perf (batched)").dollars.total);
    assert.ok(ours[0]! < ours[1]! && ours[1]! < ours[2]!, `${ours.join(" < ")}`);
    assert.ok(ours[1]! < 10 * ours[0]! && ours[2]! < 10 * ours[1]!, `${ours.join(", ")}`);
    // Twice the names doubles the fold's rollups, not the ingestion.
    const more = loadModel({ tracesPerSecond: [1_000], namesPerMinute: 400 })[0]!;
    assert.ok(more.dollars.total > ours[1]! && more.dollars.total < 2 * ours[1]!);
  });

  it("prints 9 data rows with thousands separators and dollars to the cent", () => {
    const table = loadModelTable();
    const tableLines = table.split("\n").filter((line) => line.startsWith("|"));
    const data = tableLines.slice(2);
    assert.equal(data.length, 9);
    assert.match(tableLines[1]!, /^\|( ---:? \|)+$/);
    for (const line of data) assert.match(line, /\| \$[\d,]+\.\d\d \|$/);
    assert.ok(
      table.includes("| 10,000 | one document per trace | 4,000 (type aggregate) | n/a | 51,840,000,000 |"),
      table,
    );
    assert.ok(table.includes("$7,516.80"));
    assert.match(table, /CPU\/memory time/);
    assert.match(table, /free tiers are ignored/);
  });
});
