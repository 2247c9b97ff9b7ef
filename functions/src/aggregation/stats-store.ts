/**
 * Firestore I/O for the aggregates. Writers stage a delta inside the caller's transaction (reads first,
 * then writes, as Firestore transactions require); the fold rolls closed minutes up; readers merge the
 * rollups of a window with the still-unfolded shards in one read-only transaction, so a concurrent fold
 * can never make them count a minute twice or not at all.
 */
import type { DocumentReference, Firestore, Transaction } from "firebase-admin/firestore";
import { bucketKey, minuteStart, windowBuckets, windowStartMs, type Granularity, type StatsWindow } from "@aideon-perf/core";
import { COLLECTIONS } from "../firestore";
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
  type NameStats,
  type StatsDelta,
} from "./trace-stats";

interface ShardDoc extends StatsDelta {
  minute: string;
  minute_start: number;
  shard: number;
  folded: boolean;
  expire_at?: Date;
}

interface RollupDoc extends StatsDelta {
  granularity: Granularity;
  bucket: string;
}

interface NameRollupDoc extends NameStats {
  granularity: Granularity;
  bucket: string;
  key: string;
}

type Writes = () => void;

const expiry = (granularity: Granularity, ms: number) => {
  const keep = RETENTION_MS[granularity];
  return keep === null ? {} : { expire_at: new Date(ms + keep) };
};

function deltaOf(doc: StatsDelta | undefined): StatsDelta {
  return doc ? { types: doc.types ?? {}, names: doc.names ?? {}, names_dropped: doc.names_dropped ?? 0 } : emptyDelta();
}

export function statsStore(db: Firestore) {
  const shards = db.collection(COLLECTIONS.aggregateShards);
  const rollups = db.collection(COLLECTIONS.aggregateRollups);
  const nameRollups = db.collection(COLLECTIONS.nameRollups);

  /** Reads every rollup document a folded minute feeds and returns the writes that add `delta`. */
  async function stageRollups(tx: Transaction, delta: StatsDelta, minuteMs: number): Promise<Writes> {
    const typeRefs = ROLLUP_LEVELS.map((g) => rollups.doc(rollupDocumentId(g, minuteMs)));
    const nameKeys = Object.keys(delta.names);
    const nameRefs = ROLLUP_LEVELS.flatMap((g) =>
      nameKeys.map((key) => nameRollups.doc(nameRollupDocumentId(bucketKey(g, minuteMs), key))),
    );
    const snaps = await tx.getAll(...typeRefs, ...nameRefs);
    const typeSnaps = snaps.slice(0, typeRefs.length);
    const nameSnaps = snaps.slice(typeRefs.length);
    return () => {
      ROLLUP_LEVELS.forEach((granularity, i) => {
        const merged = mergeDelta(deltaOf(typeSnaps[i]!.data() as RollupDoc | undefined), { ...delta, names: {} });
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
          const previous = nameSnaps[index]!.data() as NameRollupDoc | undefined;
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
      const current = snap.data() as ShardDoc | undefined;
      if (current?.folded) return stageRollups(tx, delta, minuteMs);
      return () => {
        const merged = mergeDelta(deltaOf(current), delta, MAX_NAMES_PER_SHARD);
        tx.set(ref, {
          minute: bucketKey("minute", minuteMs),
          minute_start: minuteMs,
          shard,
          folded: false,
          ...merged,
          ...expiry("minute", minuteMs),
        } satisfies ShardDoc);
      };
    },

    /** Minutes with unfolded shards that closed before `cutoffMs`, oldest first. */
    async closedUnfoldedMinutes(cutoffMs: number): Promise<number[]> {
      const open = await shards.where("folded", "==", false).get();
      const minutes = new Set(open.docs.map((d) => d.get("minute_start") as number).filter((m) => m + 60_000 <= cutoffMs));
      return [...minutes].sort((a, b) => a - b);
    },

    /** Rolls one minute's shards up into the minute, hour, day and all-time rollups, atomically. */
    async foldMinute(minuteMs: number): Promise<{ shards: number; traces: number }> {
      return db.runTransaction(async (tx) => {
        // A query reads (and pays for) only the shards that exist, not all AGGREGATE_SHARDS ids.
        const open = (await tx.get(shards.where("minute", "==", bucketKey("minute", minuteMs)).where("folded", "==", false))).docs;
        if (open.length === 0) return { shards: 0, traces: 0 };
        const delta = open.reduce((acc, s) => mergeDelta(acc, deltaOf(s.data() as ShardDoc)), emptyDelta());
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
          const refs: DocumentReference[] = nameKey
            ? keys.map((k) => nameRollups.doc(nameRollupDocumentId(k, nameKey)))
            : keys.map((k) => rollups.doc(k));
          const [docs, open] = await Promise.all([tx.getAll(...refs), tx.get(shards.where("folded", "==", false))]);
          const delta = emptyDelta();
          for (const snap of docs) {
            if (!snap.exists) continue;
            if (nameKey) {
              const doc = snap.data() as NameRollupDoc;
              mergeDelta(delta, { types: {}, names: { [nameKey]: doc }, names_dropped: 0 });
            } else {
              mergeDelta(delta, { ...deltaOf(snap.data() as RollupDoc), names: {} });
            }
          }
          for (const snap of open.docs) {
            const shard = snap.data() as ShardDoc;
            if (shard.minute_start < startMs) continue;
            const part = deltaOf(shard);
            mergeDelta(delta, nameKey ? { types: {}, names: part.names[nameKey] ? { [nameKey]: part.names[nameKey] } : {}, names_dropped: 0 } : { ...part, names: {} });
          }
          return { delta, documentsRead: refs.length + Math.max(1, open.size) };
        },
        { readOnly: true },
      );
    },
  };
}

export type StatsStore = ReturnType<typeof statsStore>;
