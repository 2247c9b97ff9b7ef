/**
 * Reads a window of the aggregates: its rollups (at most 60 documents) plus the still-open shards of
 * minutes inside it, newest first and at most OPEN_SHARDS_READ of them, each read with only the fields
 * asked for. A name read skips an open minute whose name rollup already exists (the fold is between its
 * name and type steps), so a minute is never counted twice. All in one read-only transaction.
 */
import type {
  DocumentSnapshot,
  Firestore,
  QueryDocumentSnapshot,
  Transaction,
} from "firebase-admin/firestore";
import { documentBytes } from "../stored/document-bytes";
import { logger } from "firebase-functions";
import * as z from "zod";
import { windowBuckets, windowStartMs, type StatsWindow, type TraceType } from "@aideon-perf/core";
import { storedShardSchema } from "../stored/aggregates";
import type { AggregateRefs } from "./aggregate-refs";
import type { TypeBudget } from "./cardinality";
import { nameRollupDocumentId } from "./shards";
import { emptyNameStats, mergeNameStats, mergeTypes, type SlowSample, type StatsDelta } from "./trace-stats";

/** Open shards one read merges at most: five minutes at full sharding, when the fold runs every minute. */
export const OPEN_SHARDS_READ = 500;

const typesView = storedShardSchema.pick({ minute: true, minute_start: true, types: true, health: true });
// A projection leaves out what a shard lacks (the name asked for, an empty map): absent is empty.
const nameView = storedShardSchema.pick({ minute: true, minute_start: true }).extend({
  names: z.record(z.string(), storedShardSchema.shape.names.valueType).default({}),
});

const slowView = storedShardSchema.pick({ minute: true, slow: true });

/** A slow sample still in an open shard; `id` is stable until its minute is folded. */
export interface LiveSlowSample {
  id: string;
  trace_type: TraceType;
  sample: SlowSample;
}

export interface WindowRead extends StatsDelta {
  budget: Partial<Record<TraceType, TypeBudget>>;
  documentsRead: number;
  /** Firestore storage bytes of what was read (the selected fields of open shards): the read's size. */
  bytesRead: number;
  /** With `slowSamples`: the slow samples of open minutes no fold has sealed yet (records not yet written). */
  live: LiveSlowSample[];
}

const snapshotBytes = (snap: DocumentSnapshot) =>
  snap.exists ? documentBytes(snap.ref.path, (snap.data() ?? {}) as Record<string, unknown>) : 0;

export function windowReader(db: Firestore, refs: AggregateRefs) {
  /** The slow samples of `shards` whose minute no fold has sealed (a sealed minute's records are being written). */
  async function liveSamples(
    tx: Transaction,
    shards: QueryDocumentSnapshot[],
    traceType?: TraceType,
  ): Promise<LiveSlowSample[]> {
    const minutes = [
      ...new Set(shards.map((d) => d.get("minute")).filter((m): m is string => typeof m === "string")),
    ];
    const seals =
      minutes.length > 0 ? await tx.getAll(...minutes.map((m) => refs.folds.doc(m).withConverter(null))) : [];
    const sealed = new Set(minutes.filter((_, i) => seals[i]!.exists));
    const live: LiveSlowSample[] = [];
    for (const doc of shards) {
      const parsed = slowView.safeParse(doc.data());
      if (!parsed.success || sealed.has(parsed.data.minute)) continue;
      for (const [key, { trace_type, samples }] of Object.entries(parsed.data.slow)) {
        if (traceType && trace_type !== traceType) continue;
        samples.forEach((sample, i) => live.push({ id: `${doc.id}_${key}_${i}`, trace_type, sample }));
      }
    }
    return live;
  }

  return {
    /**
     * With `nameKey`, only that name's statistics; with `slowSamples`, also the live slow samples (of one
     * type, if given), read in the same pass over the open shards.
     */
    async readWindow(
      window: StatsWindow,
      nowMs: number,
      nameKey?: string,
      slowSamples?: { traceType?: TraceType },
    ): Promise<WindowRead> {
      const { keys } = windowBuckets(window, nowMs);
      const startMs = windowStartMs(window, nowMs);
      return db.runTransaction(
        async (tx) => {
          const result: WindowRead = {
            types: {},
            health: {},
            names: {},
            budget: {},
            documentsRead: keys.length,
            bytesRead: 0,
            live: [],
          };
          const fields = nameKey
            ? ["minute", "minute_start", `names.${nameKey}`]
            : ["minute", "minute_start", "types", "health", ...(slowSamples ? ["slow"] : [])];
          const open = refs.shards
            .withConverter(null)
            .where("state", "==", "open")
            .orderBy("minute_start", "desc")
            .limit(OPEN_SHARDS_READ)
            .select(...fields);
          const [rollups, openSnap] = await Promise.all([
            nameKey
              ? tx.getAll(...keys.map((k) => refs.nameRollups.doc(nameRollupDocumentId(k, nameKey))))
              : tx.getAll(...keys.map((k) => refs.rollups.doc(k))),
            tx.get(open),
          ]);
          result.documentsRead += Math.max(1, openSnap.size);
          for (const snap of [...rollups, ...openSnap.docs])
            result.bytesRead += snapshotBytes(snap as DocumentSnapshot);
          if (openSnap.size === OPEN_SHARDS_READ)
            logger.warn("window read reached its open-shard bound; the fold is behind", { window });
          for (const snap of rollups) {
            const doc = snap.data();
            if (!doc) continue;
            if ("types" in doc) {
              mergeTypes(result.types, doc.types);
              mergeTypes(result.health, doc.health);
              for (const [type, b] of Object.entries(doc.budget) as Array<[TraceType, TypeBudget]>) {
                const was = result.budget[type] ?? { other_count: 0, names_over_budget: 0 };
                result.budget[type] = {
                  other_count: was.other_count + b.other_count,
                  names_over_budget: was.names_over_budget + b.names_over_budget,
                };
              }
            } else if (nameKey) {
              mergeNameStats((result.names[nameKey] ??= emptyNameStats(doc.trace_type, doc.name)), {
                ...doc,
                slowest: [],
              });
            }
          }
          const inWindow = openSnap.docs.filter(
            (d) => typeof d.get("minute_start") === "number" && d.get("minute_start") >= startMs,
          );
          // A minute whose name rollup exists is already in the rollups read above.
          let applied = new Set<string>();
          if (nameKey && inWindow.length > 0) {
            const minutes = [...new Set(inWindow.map((d) => d.get("minute") as string))];
            const marks = await tx.getAll(
              ...minutes.map((m) =>
                refs.nameRollups.doc(nameRollupDocumentId(m, nameKey)).withConverter(null),
              ),
            );
            result.documentsRead += marks.length;
            applied = new Set(minutes.filter((_, i) => marks[i]!.exists));
          }
          for (const snap of inWindow) {
            const parsed = (nameKey ? nameView : typesView).safeParse(snap.data());
            if (!parsed.success) {
              // A drifted shard is the fold's to set aside (with a dead letter); a read skips it.
              logger.warn("open shard does not match its schema; skipped by reads", { shard: snap.id });
              continue;
            }
            if ("types" in parsed.data) {
              mergeTypes(result.types, parsed.data.types);
              mergeTypes(result.health, parsed.data.health);
            } else if (nameKey && !applied.has(parsed.data.minute)) {
              const entry = parsed.data.names[nameKey];
              if (entry)
                mergeNameStats((result.names[nameKey] ??= emptyNameStats(entry.trace_type, entry.name)), {
                  ...entry,
                  slowest: [],
                });
            }
          }
          if (slowSamples && !nameKey) result.live = await liveSamples(tx, inWindow, slowSamples.traceType);
          return result;
        },
        { readOnly: true },
      );
    },

    /** The name registry of a type: names seen within the registry's retention, most recently seen first. */
    async names(traceType: TraceType, limit: number) {
      const snap = await refs.registry
        .where("trace_type", "==", traceType)
        .orderBy("last_seen", "desc")
        .limit(limit)
        .get();
      return snap.docs.map((d) => d.data());
    },
  };
}
