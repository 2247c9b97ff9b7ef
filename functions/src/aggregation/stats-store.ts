/**
 * Firestore I/O for the aggregates, in one place for the services: triggers stage deltas into shards
 * (shard-writer.ts), the scheduled fold rolls closed minutes up (minute-fold.ts), readers merge a
 * window (window-reader.ts), and a minute whose fold keeps failing is set aside and can be re-run.
 */
import type { Firestore } from "firebase-admin/firestore";
import { bucketKey, MINUTE_MS } from "@aideon-perf/core";
import { aggregateRefs } from "./aggregate-refs";
import { DEAD_LETTER_RETENTION_MS } from "./dead-letters";
import { minuteFold } from "./minute-fold";
import { shardWriter } from "./shard-writer";
import { windowReader } from "./window-reader";
import { expireAt } from "../stored/expire-at";

/** Open shards the fold's minute listing reads at most per run; the rest wait for the next run. */
const OPEN_SHARDS_LISTED = 2_000;

export function statsStore(
  db: Firestore,
  options: { retentionDays: () => number; nameBudget: () => number },
) {
  const refs = aggregateRefs(db);
  const fold = minuteFold(db, refs, options);
  const minuteShards = (minuteMs: number, state: "open" | "set_aside") =>
    refs.shards
      .withConverter(null)
      .where("minute", "==", bucketKey("minute", minuteMs))
      .where("state", "==", state)
      .select();

  return {
    ...shardWriter(refs, options.nameBudget),
    ...windowReader(db, refs),
    foldMinute: fold.foldMinute,

    /** Minutes with open shards that closed before `cutoffMs`, oldest first (set-aside minutes have none). */
    async closedUnfoldedMinutes(cutoffMs: number): Promise<number[]> {
      // Without the converter: a drifted shard must not stop the listing, only its own minute's fold.
      const open = await refs.shards
        .withConverter(null)
        .where("state", "==", "open")
        .select("minute_start")
        .limit(OPEN_SHARDS_LISTED)
        .get();
      const starts = open.docs
        .map((d) => d.get("minute_start"))
        .filter((m): m is number => typeof m === "number" && m + MINUTE_MS <= cutoffMs);
      return [...new Set(starts)].sort((a, b) => a - b);
    },

    /**
     * Sets a minute aside after repeated failure: sealed (late events go elsewhere), its shards out of
     * the fold's and readers' way and kept as long as its dead letter, for a re-run after a fix.
     */
    async setAside(minuteMs: number, reason: string, nowMs: number): Promise<number> {
      await fold.seal(minuteMs, nowMs);
      const shards = await minuteShards(minuteMs, "open").get();
      const writeBatch = db.batch();
      writeBatch.update(refs.folds.doc(bucketKey("minute", minuteMs)), { state: "set_aside", reason });
      for (const d of shards.docs)
        writeBatch.update(d.ref, {
          state: "set_aside",
          expire_at: expireAt(nowMs, DEAD_LETTER_RETENTION_MS),
        });
      await writeBatch.commit();
      return shards.size;
    },

    /** Puts a set-aside minute back for the fold; returns how many shards it reopened (0 if it was not set aside). */
    async reopen(minuteMs: number): Promise<number> {
      const fold = (await refs.folds.doc(bucketKey("minute", minuteMs)).get()).data();
      if (fold?.state !== "set_aside") return 0;
      const shards = await minuteShards(minuteMs, "set_aside").get();
      const writeBatch = db.batch();
      writeBatch.update(refs.folds.doc(bucketKey("minute", minuteMs)), { state: "folding" });
      for (const d of shards.docs) writeBatch.update(d.ref, { state: "open" });
      await writeBatch.commit();
      return shards.size;
    },
  };
}

export type StatsStore = ReturnType<typeof statsStore>;
