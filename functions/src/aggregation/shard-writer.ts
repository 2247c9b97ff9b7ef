/**
 * The triggers' side of the aggregates: a source document's delta goes into one shard of its minute,
 * inside the caller's transaction. A minute the fold has sealed (its fold document exists) is never
 * written again: a late event goes to the current minute's shard instead, counted as late, so the fold
 * of every minute reads a set of shards that no longer changes.
 */
import type { DocumentReference, Transaction } from "firebase-admin/firestore";
import { bucketKey, MINUTE_MS, minuteStart } from "@aideon-perf/core";
import { storedShardConverter, type StoredShard } from "../stored/aggregates";
import type { AggregateRefs } from "./aggregate-refs";
import { admitDelta, SHARD_LIMITS, SHARD_NAMES_PER_BUDGET, type ShardContent } from "./cardinality";
import { shardContentOf, storedShardContent } from "./shard-layout";
import { AGGREGATE_SHARDS, RETENTION_MS, shardDocumentId, shardOf } from "./shards";
import { tracesIn, type StatsDelta } from "./trace-stats";
import { expireAt } from "../stored/expire-at";

type Writes = () => void;

/**
 * `nameBudget`: a shard keeps up to twice the minute's budget of names per type, so that within the
 * budget none is refused for count and a heavy name arriving after the budget's worth of light ones
 * still gets in (the fold then keeps the heaviest).
 */
export function shardWriter(refs: AggregateRefs, nameBudget: () => number) {
  function write(
    tx: Transaction,
    ref: DocumentReference<StoredShard>,
    shard: number,
    minuteMs: number,
    content: ShardContent,
  ): void {
    tx.set(ref, {
      minute: bucketKey("minute", minuteMs),
      minute_start: minuteMs,
      shard,
      state: "open",
      ...storedShardContent(content),
      expire_at: expireAt(minuteMs, RETENTION_MS.minute!),
    });
  }

  return {
    /**
     * Reads what staging `delta` needs (the minute's fold seal and the shard) and returns the write.
     * `atMs` is the server time the traces are bucketed by; `nowMs` the trigger's own clock, where a
     * late delta lands.
     */
    async stageDelta(
      tx: Transaction,
      delta: StatsDelta,
      atMs: number,
      shardKey: string,
      nowMs: number,
    ): Promise<Writes> {
      const shard = shardOf(shardKey, AGGREGATE_SHARDS);
      let minuteMs = minuteStart(atMs);
      let late = false;
      for (;;) {
        const ref = refs.shards.doc(shardDocumentId(minuteMs, shard));
        const [seal, snap] = await tx.getAll(
          refs.folds.doc(bucketKey("minute", minuteMs)).withConverter(null),
          ref.withConverter(null),
        );
        if (!seal!.exists) {
          const content = admitDelta(shardContentOf(storedShardConverter.parse(snap!)), delta, {
            ...SHARD_LIMITS,
            namesPerType: SHARD_NAMES_PER_BUDGET * nameBudget(),
          });
          if (late) content.late += Object.values(delta.types).reduce((n, s) => n + (s ? tracesIn(s) : 0), 0);
          const at = minuteMs;
          return () => write(tx, ref, shard, at, content);
        }
        // Sealed: this minute's fold has read its shards. Count the delta in a later, open minute.
        if (minuteMs > minuteStart(nowMs))
          throw new Error(`minute ${bucketKey("minute", minuteMs)} is sealed ahead of the clock`);
        late = true;
        minuteMs = Math.max(minuteStart(nowMs), minuteMs + MINUTE_MS);
      }
    },
  };
}
