/**
 * The fold of one closed minute, in steps that are each bounded and each safe to repeat:
 *
 * 1. Seal: create the minute's fold document. Triggers read it, so from then on no event writes the
 *    minute's shards (late ones go to a later minute) and the shards read next never change.
 * 2. Plan: merge the minute's open shards and apply the name budget (pure, deterministic).
 * 3. Names, in chunks of NAMES_PER_COMMIT: each chunk's transaction writes the minute, hour, day and
 *    all-time rollups of its names, their registry entries and their slow-operation records. A name's
 *    minute rollup is its mark: a re-run finds it and skips the name, so nothing is added twice.
 * 4. Types: the minute's type rollups, the shards marked folded and the fold done, in one transaction.
 *
 * Every commit stays far below Firestore's 10 MiB and is measured (`largestCommit`) for the benchmark.
 */
import { Timestamp, type Firestore } from "firebase-admin/firestore";
import { bucketKey, DAY_MS, type Granularity } from "@aideon-perf/core";
import { documentBytes } from "../stored/document-bytes";
import type { StoredFold, StoredNameRegistry, StoredNameRollup, StoredRollup } from "../stored/aggregates";
import {
  storedFoldConverter,
  storedNameRegistryConverter,
  storedNameRollupConverter,
  storedRollupConverter,
} from "../stored/aggregates";
import type { AggregateRefs } from "./aggregate-refs";
import { planMinute, type MinutePlan } from "./cardinality";
import { shardContentOf } from "./shard-layout";
import { nameRollupDocumentId, RETENTION_MS, ROLLUP_LEVELS, rollupDocumentId } from "./shards";
import { logSlowOperation, slowOperation } from "./slow-operation";
import type { StoredSlowOperation } from "../stored/slow-operations";
import { emptyStats, mergeStats, mergeTypes, tracesIn, type NameStats } from "./trace-stats";
import { expireAt } from "../stored/expire-at";

/** Names per chunk commit: 4 rollups + 1 registry entry + at most 3 slow records each, 400 writes at most. */
export const NAMES_PER_COMMIT = 50;
/** How long a name stays in the registry after it was last seen. */
export const NAME_REGISTRY_RETENTION_MS = 30 * DAY_MS;
/** Fold documents outlive the shards they seal (RETENTION_MS.minute), so a late event never reopens a minute. */
export const FOLD_RETENTION_MS = 30 * DAY_MS;

export interface FoldResult {
  state: "folded" | "already_done";
  shards: number;
  traces: number;
  names: number;
  slowRecords: number;
  commits: number;
  /** The largest commit of this fold, in documents written and Firestore storage bytes. */
  largestCommit: { documents: number; bytes: number };
}

const expiry = (granularity: Granularity, ms: number) => {
  const keep = RETENTION_MS[granularity];
  return keep === null ? {} : { expire_at: expireAt(ms, keep) };
};

/** Measures the documents and bytes one commit writes. */
function commitMeter() {
  let documents = 0;
  let bytes = 0;
  return {
    add(path: string, fields: object) {
      documents += 1;
      bytes += documentBytes(path, fields as Record<string, unknown>);
    },
    get: () => ({ documents, bytes }),
  };
}

export function minuteFold(
  db: Firestore,
  refs: AggregateRefs,
  options: { retentionDays: () => number; nameBudget: () => number },
) {
  /** Step 1: the seal, or the fold document already there (a re-run). */
  async function seal(minuteMs: number, nowMs: number): Promise<StoredFold> {
    const ref = refs.folds.doc(bucketKey("minute", minuteMs));
    return db.runTransaction(async (tx) => {
      const existing = (await tx.get(ref)).data();
      if (existing) return existing;
      const sealed: StoredFold = {
        minute: bucketKey("minute", minuteMs),
        minute_start: minuteMs,
        state: "folding",
        attempts: 0,
        reason: null,
        shards: 0,
        traces: 0,
        names: 0,
        slow_records: 0,
        late: 0,
        samples_dropped: 0,
        sealed_at: Timestamp.fromMillis(nowMs),
        done_at: null,
        expire_at: expireAt(nowMs, FOLD_RETENTION_MS),
      };
      tx.create(ref, sealed);
      return sealed;
    });
  }

  /** Step 3 for one chunk; returns the commit's size (zero if every name was already applied). */
  async function applyNames(minuteMs: number, chunk: Array<[string, NameStats]>, nowMs: number) {
    const meter = commitMeter();
    let slowRecorded: StoredSlowOperation[] = [];
    await db.runTransaction(async (tx) => {
      slowRecorded = []; // a retried attempt starts over
      const refsOf = ([key]: [string, NameStats]) =>
        ROLLUP_LEVELS.map((g) =>
          refs.nameRollups.doc(nameRollupDocumentId(bucketKey(g, minuteMs), key)).withConverter(null),
        );
      const snaps = await tx.getAll(...chunk.flatMap(refsOf));
      const levels = ROLLUP_LEVELS.length;
      // A name's minute rollup marks it applied; without an hour rollup it is new this hour (registry).
      const pending = chunk.map((entry, i) => ({ entry, i })).filter(({ i }) => !snaps[i * levels]!.exists);
      const firstInHour = pending.filter(({ i }) => !snaps[i * levels + 1]!.exists).map(({ entry }) => entry);
      const registrySnaps =
        firstInHour.length > 0
          ? await tx.getAll(...firstInHour.map(([key]) => refs.registry.doc(key).withConverter(null)))
          : [];
      for (const {
        entry: [key, entry],
        i,
      } of pending) {
        ROLLUP_LEVELS.forEach((granularity, level) => {
          const previous = storedNameRollupConverter.parse(snaps[i * levels + level]!);
          const bucket = bucketKey(granularity, minuteMs);
          const ref = refs.nameRollups.doc(nameRollupDocumentId(bucket, key));
          const doc: StoredNameRollup = {
            granularity,
            bucket,
            key,
            name: entry.name,
            trace_type: entry.trace_type,
            stats: mergeStats(mergeStats(emptyStats(), previous?.stats ?? emptyStats()), entry.stats),
            ...expiry(granularity, minuteMs),
          };
          tx.set(ref, doc);
          meter.add(ref.path, doc);
        });
        entry.slowest.forEach((sample, n) => {
          const ref = refs.slowOps.doc(`${bucketKey("minute", minuteMs)}_${key}_${n}`);
          const record = slowOperation(entry.trace_type, sample, options.retentionDays());
          tx.set(ref, record);
          meter.add(ref.path, record);
          slowRecorded.push(record);
        });
      }
      firstInHour.forEach(([key, entry], j) => {
        const previous = storedNameRegistryConverter.parse(registrySnaps[j]!);
        const ref = refs.registry.doc(key);
        const doc: StoredNameRegistry = {
          key,
          name: entry.name,
          trace_type: entry.trace_type,
          first_seen: previous?.first_seen ?? Timestamp.fromMillis(minuteMs),
          last_seen: Timestamp.fromMillis(Math.max(minuteMs, previous?.last_seen.toMillis() ?? 0)),
          expire_at: expireAt(Math.max(minuteMs, nowMs), NAME_REGISTRY_RETENTION_MS),
        };
        tx.set(ref, doc);
        meter.add(ref.path, doc);
      });
    });
    for (const op of slowRecorded) logSlowOperation(op);
    return meter.get();
  }

  /** Step 4: type rollups, shards folded and the fold done, unless a previous run finished it. */
  async function finish(
    minuteMs: number,
    plan: MinutePlan,
    shardIds: string[],
    stats: Omit<
      StoredFold,
      "minute" | "minute_start" | "state" | "attempts" | "reason" | "sealed_at" | "expire_at" | "done_at"
    >,
    nowMs: number,
  ) {
    const meter = commitMeter();
    const foldRef = refs.folds.doc(bucketKey("minute", minuteMs));
    const done = await db.runTransaction(async (tx) => {
      const typeRefs = ROLLUP_LEVELS.map((g) =>
        refs.rollups.doc(rollupDocumentId(g, minuteMs)).withConverter(null),
      );
      const [foldSnap, ...snaps] = await tx.getAll(foldRef.withConverter(null), ...typeRefs);
      if (storedFoldConverter.parse(foldSnap!)?.state === "done") return true;
      ROLLUP_LEVELS.forEach((granularity, i) => {
        const previous = storedRollupConverter.parse(snaps[i]!);
        const budget = { ...(previous?.budget ?? {}) };
        for (const [type, add] of Object.entries(plan.budget) as Array<
          [keyof typeof budget, NonNullable<MinutePlan["budget"][keyof typeof budget]>]
        >) {
          const was = budget[type] ?? { other_count: 0, names_over_budget: 0 };
          budget[type] = {
            other_count: was.other_count + add.other_count,
            names_over_budget: was.names_over_budget + add.names_over_budget,
          };
        }
        const doc: StoredRollup = {
          granularity,
          bucket: bucketKey(granularity, minuteMs),
          types: mergeTypes(mergeTypes({}, previous?.types ?? {}), plan.types),
          health: mergeTypes(mergeTypes({}, previous?.health ?? {}), plan.health),
          budget,
          ...expiry(granularity, minuteMs),
        };
        tx.set(typeRefs[i]!, doc);
        meter.add(typeRefs[i]!.path, doc);
      });
      for (const id of shardIds) {
        tx.update(refs.shards.doc(id), { state: "folded" });
        meter.add(refs.shards.doc(id).path, { state: "folded" });
      }
      const update = { state: "done" as const, reason: null, done_at: Timestamp.fromMillis(nowMs), ...stats };
      tx.update(foldRef, update);
      meter.add(foldRef.path, update);
      return false;
    });
    return { done, commit: meter.get() };
  }

  return {
    seal,

    /** Folds one closed minute (all four steps); a re-run after any failure completes it exactly once. */
    async foldMinute(minuteMs: number, nowMs: number): Promise<FoldResult> {
      const sealed = await seal(minuteMs, nowMs);
      const empty = {
        shards: 0,
        traces: 0,
        names: 0,
        slowRecords: 0,
        commits: 1,
        largestCommit: { documents: 0, bytes: 0 },
      };
      if (sealed.state === "done") return { state: "already_done", ...empty };
      const open = await refs.shards
        .where("minute", "==", bucketKey("minute", minuteMs))
        .where("state", "==", "open")
        .get();
      const plan = planMinute(
        open.docs.map((d) => shardContentOf(d.data())),
        options.nameBudget(),
      );
      const entries = Object.entries(plan.names).sort(([a], [b]) => (a < b ? -1 : 1));
      let largest = { documents: 0, bytes: 0 };
      let commits = 1;
      for (let i = 0; i < entries.length; i += NAMES_PER_COMMIT) {
        const size = await applyNames(minuteMs, entries.slice(i, i + NAMES_PER_COMMIT), nowMs);
        commits += 1;
        if (size.bytes > largest.bytes) largest = size;
      }
      const traces = Object.values(plan.types).reduce((n, s) => n + (s ? tracesIn(s) : 0), 0);
      const slowRecords = entries.reduce((n, [, e]) => n + e.slowest.length, 0);
      const stats = {
        shards: open.size,
        traces,
        names: entries.length,
        slow_records: slowRecords,
        late: plan.late,
        samples_dropped: plan.samples_dropped,
      };
      const { done, commit } = await finish(
        minuteMs,
        plan,
        open.docs.map((d) => d.id),
        stats,
        nowMs,
      );
      commits += 1;
      if (commit.bytes > largest.bytes) largest = commit;
      if (done) return { state: "already_done", ...empty };
      return {
        state: "folded",
        shards: open.size,
        traces,
        names: entries.length,
        slowRecords,
        commits,
        largestCommit: largest,
      };
    },
  };
}
