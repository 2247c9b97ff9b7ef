/**
 * Firestore I/O for the aggregates. Writers stage a delta inside the caller's transaction (reads first,
 * then writes, as Firestore transactions require); the fold rolls closed minutes up; readers merge the
 * rollups of a window with the still-unfolded shards in one read-only transaction, so a concurrent fold
 * can never make them count a minute twice or not at all.
 */
import { Timestamp, type Firestore, type Transaction } from "firebase-admin/firestore";
import { bucketKey, MINUTE_MS, minuteStart, windowBuckets, windowStartMs, type Granularity, type StatsWindow } from "@aideon-perf/core";
import { COLLECTIONS } from "../firestore";
import { storedNameRollupConverter, storedRollupConverter, storedShardConverter, type StoredRollup } from "../stored/aggregates";
import {
  AGGREGATE_SHARDS,
  RETENTION_MS,
  ROLLUP_LEVELS,
  nameRollupDocumentId,
  rollupDocumentId,
  shardDocumentId,
  shardOf,
} from "./shards";
import {
  MAX_NAMES_PER_SHARD,
  emptyDelta,
  emptyStats,
  mergeDelta,
  mergeStats,
  type StatsDelta,
} from "./trace-stats";

type Writes = () => void;

const expiry = (granularity: Granularity, ms: number) => {
  const keep = RETENTION_MS[granularity];
  return keep === null ? {} : { expire_at: Timestamp.fromMillis(ms + keep) };
};

/** A type rollup's statistics as a delta: it holds no names (they have their own documents). */
function rollupDelta(doc: StoredRollup | undefined): StatsDelta {
  return doc ? { types: doc.types, names: {}, names_dropped: doc.names_dropped } : emptyDelta();
}

export function statsStore(db: Firestore) {
  const shards = db.collection(COLLECTIONS.aggregateShards).withConverter(storedShardConverter);
  const rollups = db.collection(COLLECTIONS.aggregateRollups).withConverter(storedRollupConverter);
  const nameRollups = db.collection(COLLECTIONS.nameRollups).withConverter(storedNameRollupConverter);

  /** Reads every rollup document a folded minute feeds and returns the writes that add `delta`. */
  async function stageRollups(tx: Transaction, delta: StatsDelta, minuteMs: number): Promise<Writes> {
    const typeRefs = ROLLUP_LEVELS.map((g) => rollups.doc(rollupDocumentId(g, minuteMs)));
    const nameKeys = Object.keys(delta.names);
    const nameRefs = ROLLUP_LEVELS.flatMap((g) =>
      nameKeys.map((key) => nameRollups.doc(nameRollupDocumentId(bucketKey(g, minuteMs), key))),
    );
    // One round trip for both collections: plain refs, each snapshot validated by its collection's schema.
    const snaps = await tx.getAll(...[...typeRefs, ...nameRefs].map((ref) => ref.withConverter(null)));
    const previousTypes = snaps.slice(0, typeRefs.length).map((snap) => storedRollupConverter.parse(snap));
    const previousNames = snaps.slice(typeRefs.length).map((snap) => storedNameRollupConverter.parse(snap));
    return () => {
      ROLLUP_LEVELS.forEach((granularity, i) => {
        const merged = mergeDelta(rollupDelta(previousTypes[i]), { ...delta, names: {} });
        tx.set(typeRefs[i]!, {
          granularity,
          bucket: bucketKey(granularity, minuteMs),
          types: merged.types,
          names_dropped: merged.names_dropped,
          ...expiry(granularity, minuteMs),
        });
      });
      ROLLUP_LEVELS.forEach((granularity, level) => {
        nameKeys.forEach((key, j) => {
          const index = level * nameKeys.length + j;
          const entry = delta.names[key]!;
          const previous = previousNames[index];
          tx.set(nameRefs[index]!, {
            granularity,
            bucket: bucketKey(granularity, minuteMs),
            key,
            name: entry.name,
            trace_type: entry.trace_type,
            stats: mergeStats(mergeStats(emptyStats(), previous?.stats ?? emptyStats()), entry.stats),
            ...expiry(granularity, minuteMs),
          });
        });
      });
    };
  }

  return {
    /**
     * Stages `delta` for the minute of `atMs` in the shard chosen by `idempotencyKey`. A shard the
     * fold already rolled up (a late or redelivered event) is bypassed: the delta goes straight into
     * the rollups, so nothing is lost and nothing counted twice.
     */
    async stageDelta(tx: Transaction, delta: StatsDelta, atMs: number, idempotencyKey: string): Promise<Writes> {
      const minuteMs = minuteStart(atMs);
      const shard = shardOf(idempotencyKey, AGGREGATE_SHARDS);
      const ref = shards.doc(shardDocumentId(minuteMs, shard));
      const snap = await tx.get(ref);
      const current = snap.data();
      if (current?.folded) return stageRollups(tx, delta, minuteMs);
      return () => {
        const merged = mergeDelta(current ?? emptyDelta(), delta, MAX_NAMES_PER_SHARD);
        tx.set(ref, {
          minute: bucketKey("minute", minuteMs),
          minute_start: minuteMs,
          shard,
          folded: false,
          types: merged.types,
          names: merged.names,
          names_dropped: merged.names_dropped,
          ...expiry("minute", minuteMs),
        });
      };
    },

    /** Minutes with unfolded shards that closed before `cutoffMs`, oldest first. */
    async closedUnfoldedMinutes(cutoffMs: number): Promise<number[]> {
      const open = await shards.where("folded", "==", false).get();
      const minutes = new Set(open.docs.map((d) => d.data().minute_start).filter((m) => m + MINUTE_MS <= cutoffMs));
      return [...minutes].sort((a, b) => a - b);
    },

    /** Rolls one minute's shards up into the minute, hour, day and all-time rollups, atomically. */
    async foldMinute(minuteMs: number): Promise<{ shards: number; traces: number }> {
      return db.runTransaction(async (tx) => {
        // A query reads (and pays for) only the shards that exist, not all AGGREGATE_SHARDS ids.
        const open = (await tx.get(shards.where("minute", "==", bucketKey("minute", minuteMs)).where("folded", "==", false))).docs;
        if (open.length === 0) return { shards: 0, traces: 0 };
        const delta = open.reduce((acc, s) => mergeDelta(acc, s.data()), emptyDelta());
        const writes = await stageRollups(tx, delta, minuteMs);
        writes();
        for (const s of open) tx.update(s.ref, { folded: true });
        const traces = Object.values(delta.types).reduce((n, t) => n + (t?.count ?? 0), 0);
        return { shards: open.length, traces };
      });
    },

    /**
     * Everything recorded in a window: its rollups plus the unfolded shards of minutes inside it.
     * With `nameKey`, only that name's statistics (names are not merged otherwise, to keep reads small).
     */
    async readWindow(window: StatsWindow, nowMs: number, nameKey?: string): Promise<{ delta: StatsDelta; documentsRead: number }> {
      const { keys } = windowBuckets(window, nowMs);
      const startMs = windowStartMs(window, nowMs);
      return db.runTransaction(
        async (tx) => {
          const delta = emptyDelta();
          const rollupsRead = nameKey
            ? tx.getAll(...keys.map((k) => nameRollups.doc(nameRollupDocumentId(k, nameKey)))).then((docs) => {
                for (const doc of docs.map((snap) => snap.data())) {
                  if (doc) mergeDelta(delta, { types: {}, names: { [nameKey]: doc }, names_dropped: 0 });
                }
              })
            : tx.getAll(...keys.map((k) => rollups.doc(k))).then((docs) => {
                for (const snap of docs) mergeDelta(delta, rollupDelta(snap.data()));
              });
          const [, open] = await Promise.all([rollupsRead, tx.get(shards.where("folded", "==", false))]);
          for (const snap of open.docs) {
            const shard = snap.data();
            if (shard.minute_start < startMs) continue;
            mergeDelta(delta, nameKey ? { types: {}, names: shard.names[nameKey] ? { [nameKey]: shard.names[nameKey] } : {}, names_dropped: 0 } : { ...shard, names: {} });
          }
          return { delta, documentsRead: keys.length + Math.max(1, open.size) };
        },
        { readOnly: true },
      );
    },
  };
}

export type StatsStore = ReturnType<typeof statsStore>;
