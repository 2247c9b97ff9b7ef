import { createHash } from "node:crypto";
import { bucketKey, DAY_MS, type Granularity } from "@aideon-perf/core";

/**
 * Shards per minute for trigger writes. At 10,000 traces/s in batches of 100 (100 batch chunk documents a
 * second) a shard takes 0.5 writes/s on average and the busiest about 0.75 (the hash spread over a
 * minute, measured by `npm run bench -- scale`), under Firestore's ~1 sustained write/s per document.
 * Shard documents exist only where written and readers query only the open ones (the last minute or
 * two), so unused shards cost nothing.
 */
export const AGGREGATE_SHARDS = 200;

/** The shard of a key (a source document's path, varied per transaction attempt): spread uniformly. */
export function shardOf(key: string, shards = AGGREGATE_SHARDS): number {
  return createHash("sha256").update(key).digest().readUInt32BE(0) % shards;
}

export function shardDocumentId(minuteMs: number, shard: number): string {
  return `${bucketKey("minute", minuteMs)}_s${shard}`;
}

export function rollupDocumentId(granularity: Granularity, ms: number): string {
  return bucketKey(granularity, ms);
}

export function nameRollupDocumentId(bucket: string, key: string): string {
  return `${bucket}_${key}`;
}

/** Rollup levels every folded minute feeds, finest first. */
export const ROLLUP_LEVELS: readonly Granularity[] = ["minute", "hour", "day", "all"];

/** How long each level is kept (TTL on expire_at): enough to answer every window with margin. */
export const RETENTION_MS: Readonly<Record<Granularity, number | null>> = {
  minute: 2 * DAY_MS,
  hour: 8 * DAY_MS,
  day: 400 * DAY_MS,
  all: null,
};
