/**
 * Load model: what aideon-perf's batched design costs at 100, 1,000 and 10,000 traces/s, next to one
 * Firestore document per trace and to Cloud Trace. Pure arithmetic over the design's document and
 * invocation counts (no Firestore, no emulators), so the numbers can be checked by hand and imported by
 * a benchmark runner.
 *
 *   node --import tsx bench/scale/load-model.ts
 *
 * Prices are list prices, us-central1, Firestore Native mode, free tiers ignored (they are too small to
 * matter at these rates), Cloud Functions CPU/memory time and network egress ignored:
 *   https://cloud.google.com/firestore/pricing
 *   https://cloud.google.com/functions/pricing   (2nd gen / Cloud Run functions)
 *   https://cloud.google.com/stackdriver/pricing (Cloud Trace)
 */

import { SLOW_RECORDS_PER_MINUTE } from "../../functions/src/aggregation/cardinality";
import { NAMES_PER_COMMIT } from "../../functions/src/aggregation/minute-fold";
import { AGGREGATE_SHARDS, ROLLUP_LEVELS } from "../../functions/src/aggregation/shards";
import { SLOW_SAMPLES_PER_NAME } from "../../functions/src/aggregation/trace-stats";

// --- Prices -------------------------------------------------------------------------------------

/** Firestore: $0.09 per 100,000 document writes (https://cloud.google.com/firestore/pricing). */
export const USD_PER_WRITE = 0.09 / 100_000;
/** Firestore: $0.03 per 100,000 document reads (https://cloud.google.com/firestore/pricing). */
export const USD_PER_READ = 0.03 / 100_000;
/** Cloud Functions: $0.40 per million invocations (https://cloud.google.com/functions/pricing); CPU/memory time not modelled. */
export const USD_PER_INVOCATION = 0.4 / 1_000_000;
/** Cloud Trace: $0.20 per million spans ingested (https://cloud.google.com/stackdriver/pricing). */
export const USD_PER_SPAN = 0.2 / 1_000_000;
/** Cloud Trace: the first 2.5 million spans each month are free; the only free tier applied, as it is the one Cloud Trace is sold by. */
export const FREE_SPANS_PER_MONTH = 2_500_000;

// --- Time ---------------------------------------------------------------------------------------

/** A billing month is modelled as 30 days. */
export const SECONDS_PER_MONTH = 30 * 24 * 3600;
export const MINUTES_PER_MONTH = SECONDS_PER_MONTH / 60;
export const HOURS_PER_MONTH = SECONDS_PER_MONTH / 3600;

// --- aideon-perf ingestion: recordTraces callable + per-batch-document trigger --------------------

/** Traces per SDK batch: one batch is one recordTraces callable invocation. */
export const DEFAULT_BATCH_SIZE = 100;
/** Traces per perf_trace_batches document; a batch larger than this is split across documents. */
export const MAX_TRACES_PER_BATCH_DOC = 500;
/** The callable writes the batch document. */
export const CALLABLE_WRITES_PER_BATCH_DOC = 1;
/** The trigger's transaction writes the shard doc and marks the batch doc aggregated. */
export const TRIGGER_WRITES_PER_BATCH_DOC = 2;
/** The trigger's transaction reads the batch doc, the fold-state doc and one shard doc. */
export const TRIGGER_READS_PER_BATCH_DOC = 3;
/** Shard documents per minute; a batch lands on one by hash, so each takes 1/AGGREGATE_SHARDS of the batch rate. */
export const SHARDS_PER_MINUTE = AGGREGATE_SHARDS;

// --- aideon-perf fold: scheduled once a minute ----------------------------------------------------

/** The scheduled fold runs once a minute: one invocation each. */
export const FOLD_INVOCATIONS_PER_MINUTE = 1;
/** Name rollups per active name: minute, hour, day, all-time. */
export const ROLLUPS_PER_NAME = ROLLUP_LEVELS.length;
/** Type rollups per type: minute, hour, day, all-time. */
export const ROLLUPS_PER_TYPE = ROLLUP_LEVELS.length;
/** The name registry is written once per name per hour, not every minute. */
export const REGISTRY_WRITES_PER_NAME_PER_HOUR = 1;
/** The fold-state doc is written twice per fold (claimed, then done), and read once. */
export const FOLD_STATE_WRITES_PER_FOLD = 2;
export const FOLD_STATE_READS_PER_FOLD = 1;
/** Name-rollup writes go out in commits of NAMES_PER_COMMIT names; the fold adds 2 commits of its own. */
export { NAMES_PER_COMMIT, SLOW_RECORDS_PER_MINUTE };
export const EXTRA_COMMITS_PER_FOLD = 2;
/** Slow-operation records the fold keeps: at most this many per name per minute, SLOW_RECORDS_PER_MINUTE in all. */
export const SLOW_RECORDS_PER_NAME_PER_MINUTE = SLOW_SAMPLES_PER_NAME;
/** Writes per second on an hour/day/all-time rollup doc: once per fold. */
export const ROLLUP_WRITES_PER_SECOND = 1 / 60;

// --- Workload defaults ----------------------------------------------------------------------------

export const DEFAULT_TRACES_PER_SECOND = [100, 1_000, 10_000] as const;
/** Distinct trace names active in a minute, across DEFAULT_TYPES types. */
export const DEFAULT_NAMES_PER_MINUTE = 200;
export const DEFAULT_TYPES = 4;
/** Share of traces over their type's slow threshold. */
export const DEFAULT_SLOW_FRACTION = 0.05;
/** One document per trace: share of traffic in the busiest type, whose aggregate doc every trace of it updates. */
export const DEFAULT_BUSIEST_TYPE_SHARE = 0.4;

export const DESIGNS = ["aideon-perf (batched)", "one document per trace", "Cloud Trace"] as const;
export type Design = (typeof DESIGNS)[number];

export interface LoadParams {
  tracesPerSecond: readonly number[];
  namesPerMinute: number;
  types: number;
  batchSize: number;
  slowFraction: number;
  busiestTypeShare: number;
}

export interface Dollars {
  writes: number;
  reads: number;
  invocations: number;
  spans: number;
  total: number;
}

/** One design at one rate. `null` means the quantity does not apply to that design. */
export interface LoadRow {
  tracesPerSecond: number;
  design: Design;
  /** Writes/s on the busiest Firestore document, and which document that is. */
  busiestDocWritesPerSecond: number | null;
  busiestDoc: string | null;
  commitsPerFold: number | null;
  writesPerMonth: number | null;
  readsPerMonth: number | null;
  invocationsPerMonth: number | null;
  spansPerMonth: number | null;
  dollars: Dollars;
}

export const DEFAULT_PARAMS: LoadParams = Object.freeze({
  tracesPerSecond: DEFAULT_TRACES_PER_SECOND,
  namesPerMinute: DEFAULT_NAMES_PER_MINUTE,
  types: DEFAULT_TYPES,
  batchSize: DEFAULT_BATCH_SIZE,
  slowFraction: DEFAULT_SLOW_FRACTION,
  busiestTypeShare: DEFAULT_BUSIEST_TYPE_SHARE,
});

function dollars(writes: number, reads: number, invocations: number, spans = 0): Dollars {
  const d = {
    writes: writes * USD_PER_WRITE,
    reads: reads * USD_PER_READ,
    invocations: invocations * USD_PER_INVOCATION,
    spans: Math.max(0, spans - FREE_SPANS_PER_MONTH) * USD_PER_SPAN,
  };
  return { ...d, total: d.writes + d.reads + d.invocations + d.spans };
}

/** The fold's per-minute work for one minute of traffic; exported so the test can check it piece by piece. */
export function foldPerMinute(tracesPerSecond: number, p: Omit<LoadParams, "tracesPerSecond">) {
  const tracesPerMinute = tracesPerSecond * 60;
  const batchesPerMinute = (tracesPerSecond / p.batchSize) * 60;
  // A name is active only if some trace carries it.
  const names = Math.min(p.namesPerMinute, tracesPerMinute);
  const types = Math.min(p.types, names);
  // Upper bound: hashing n batches over SHARDS_PER_MINUTE shards touches fewer than min(n, SHARDS_PER_MINUTE) in expectation.
  const shards = Math.min(SHARDS_PER_MINUTE, Math.ceil(batchesPerMinute));
  const slowRecords = Math.min(
    tracesPerMinute * p.slowFraction,
    names * SLOW_RECORDS_PER_NAME_PER_MINUTE,
    SLOW_RECORDS_PER_MINUTE,
  );
  const nameRollups = names * ROLLUPS_PER_NAME;
  // Averaged over the hour: each name's registry entry is written once an hour.
  const registry = (names * REGISTRY_WRITES_PER_NAME_PER_HOUR) / 60;
  const typeRollups = types * ROLLUPS_PER_TYPE;
  const writes = nameRollups + registry + typeRollups + FOLD_STATE_WRITES_PER_FOLD + shards + slowRecords;
  // Every rollup (and registry entry, and the fold state) is read before it is written, and every shard
  // is read; slow records are new documents and shard marks hit shards already read, so neither adds reads.
  const reads = nameRollups + registry + typeRollups + FOLD_STATE_READS_PER_FOLD + shards;
  const commits = Math.ceil(names / NAMES_PER_COMMIT) + EXTRA_COMMITS_PER_FOLD;
  return { names, types, shards, slowRecords, nameRollups, registry, typeRollups, writes, reads, commits };
}

function batched(tracesPerSecond: number, p: LoadParams): LoadRow {
  const batchesPerSecond = tracesPerSecond / p.batchSize;
  const docsPerBatch = Math.ceil(p.batchSize / MAX_TRACES_PER_BATCH_DOC);
  const batchesPerMonth = batchesPerSecond * SECONDS_PER_MONTH;
  const fold = foldPerMinute(tracesPerSecond, p);

  const writes =
    batchesPerMonth * docsPerBatch * (CALLABLE_WRITES_PER_BATCH_DOC + TRIGGER_WRITES_PER_BATCH_DOC) +
    fold.writes * MINUTES_PER_MONTH;
  const reads = batchesPerMonth * docsPerBatch * TRIGGER_READS_PER_BATCH_DOC + fold.reads * MINUTES_PER_MONTH;
  // One callable per batch, one trigger per batch document, one fold per minute.
  const invocations = batchesPerMonth * (1 + docsPerBatch) + FOLD_INVOCATIONS_PER_MINUTE * MINUTES_PER_MONTH;

  // Shards take the trigger writes; rollups and the fold state only the fold's.
  const candidates: Array<[string, number]> = [
    ["shard", (batchesPerSecond * docsPerBatch) / SHARDS_PER_MINUTE],
    ["all-time rollup", ROLLUP_WRITES_PER_SECOND],
    ["fold state", (FOLD_STATE_WRITES_PER_FOLD * FOLD_INVOCATIONS_PER_MINUTE) / 60],
  ];
  const [busiestDoc, busiest] = candidates.reduce((a, b) => (b[1] > a[1] ? b : a));

  return {
    tracesPerSecond,
    design: "aideon-perf (batched)",
    busiestDocWritesPerSecond: busiest,
    busiestDoc,
    commitsPerFold: fold.commits,
    writesPerMonth: writes,
    readsPerMonth: reads,
    invocationsPerMonth: invocations,
    spansPerMonth: null,
    dollars: dollars(writes, reads, invocations),
  };
}

function perTrace(tracesPerSecond: number, p: LoadParams): LoadRow {
  const traces = tracesPerSecond * SECONDS_PER_MONTH;
  // Callable writes the trace doc; the trigger reads and writes its type's aggregate in a transaction.
  const writes = traces * 2;
  const reads = traces * 1;
  const invocations = traces * 2;
  return {
    tracesPerSecond,
    design: "one document per trace",
    busiestDocWritesPerSecond: tracesPerSecond * p.busiestTypeShare,
    busiestDoc: "type aggregate",
    commitsPerFold: null,
    writesPerMonth: writes,
    readsPerMonth: reads,
    invocationsPerMonth: invocations,
    spansPerMonth: null,
    dollars: dollars(writes, reads, invocations),
  };
}

function cloudTrace(tracesPerSecond: number): LoadRow {
  // One span per trace.
  const spans = tracesPerSecond * SECONDS_PER_MONTH;
  return {
    tracesPerSecond,
    design: "Cloud Trace",
    busiestDocWritesPerSecond: null,
    busiestDoc: null,
    commitsPerFold: null,
    writesPerMonth: 0,
    readsPerMonth: null,
    invocationsPerMonth: 0,
    spansPerMonth: spans,
    dollars: dollars(0, 0, 0, spans),
  };
}

/** Rows for every rate in params.tracesPerSecond, in DESIGNS order within each rate. */
export function loadModel(params: Partial<LoadParams> = {}): LoadRow[] {
  const p: LoadParams = { ...DEFAULT_PARAMS, ...params };
  return p.tracesPerSecond.flatMap((tps) => [batched(tps, p), perTrace(tps, p), cloudTrace(tps)]);
}

const count = (n: number | null) => (n === null ? "n/a" : Math.round(n).toLocaleString("en-US"));
const rate = (n: number | null) =>
  n === null ? "n/a" : n.toLocaleString("en-US", { maximumFractionDigits: 3 });
const usd = (n: number) =>
  `$${n.toLocaleString("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;

/** The rows as a markdown table, with the assumptions as footnotes under it. */
export function loadModelTable(params: Partial<LoadParams> = {}): string {
  const p: LoadParams = { ...DEFAULT_PARAMS, ...params };
  const header = [
    "traces/s",
    "design",
    "writes/s on busiest doc",
    "commits per fold",
    "Firestore writes/month",
    "Firestore reads/month",
    "function invocations/month",
    "$/month",
  ];
  const lines = [
    `| ${header.join(" | ")} |`,
    `|${header.map((_, i) => (i === 1 ? " --- " : " ---: ")).join("|")}|`,
  ];
  for (const row of loadModel(p)) {
    const busiest =
      row.busiestDocWritesPerSecond === null
        ? "n/a"
        : `${rate(row.busiestDocWritesPerSecond)} (${row.busiestDoc})`;
    const invocations =
      row.spansPerMonth === null ? count(row.invocationsPerMonth) : `0 (${count(row.spansPerMonth)} spans)`;
    const cells = [
      count(row.tracesPerSecond),
      row.design,
      busiest,
      count(row.commitsPerFold),
      count(row.writesPerMonth),
      count(row.readsPerMonth),
      invocations,
      usd(row.dollars.total),
    ];
    lines.push(`| ${cells.join(" | ")} |`);
  }
  const notes = [
    "",
    `List prices, us-central1, Firestore Native: writes $0.09/100k, reads $0.03/100k, function invocations $0.40/million; month = 30 days.`,
    `Firestore and Cloud Functions free tiers are ignored; Cloud Functions CPU/memory time and network egress are not included (invocations only).`,
    `Cloud Trace: $0.20/million spans after the first 2.5 million spans a month free, one span per trace.`,
    `aideon-perf: SDK batches of ${p.batchSize}; per batch 1 callable + 1 trigger, 3 writes, 3 reads. Busiest doc is the max of a shard ` +
      `(batches/s / ${SHARDS_PER_MINUTE}), an all-time rollup (1 write/min) and the fold state (2 writes/min).`,
    `Fold once a minute for ${p.namesPerMinute} active names across ${p.types} types: 4 rollups per name and per type, 1 registry write per name per hour, ` +
      `up to ${SLOW_RECORDS_PER_MINUTE} slow records/min (${p.slowFraction * 100}% slow, at most ${SLOW_RECORDS_PER_NAME_PER_MINUTE} per name), ` +
      `1 mark per shard (upper bound: min(batches/min, ${SHARDS_PER_MINUTE})); commits per fold = ceil(names/${NAMES_PER_COMMIT}) + ${EXTRA_COMMITS_PER_FOLD}.`,
    `One document per trace: 2 invocations, 2 writes, 1 read per trace; busiest doc is the aggregate of a type with ${p.busiestTypeShare * 100}% of traffic.`,
  ];
  return [...lines, ...notes].join("\n");
}

if (require.main === module) console.log(loadModelTable());
