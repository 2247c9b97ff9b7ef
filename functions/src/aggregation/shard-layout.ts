/**
 * How a shard's content is laid out in its document: the statistics of each name (and each type's
 * `(other)`) in `names` / `other`, and the slow samples of all of them apart in `slow`, keyed the same
 * way. Apart, because the slow-operation listing reads only `slow` (a projection), never the sketches.
 */
import { OTHER_TRACE_NAME, type TraceType } from "@aideon-perf/core";
import type { StoredShard } from "../stored/aggregates";
import { emptyShardContent, type ShardContent } from "./cardinality";
import { nameKey, type NameStats } from "./trace-stats";

type StoredContent = Pick<
  StoredShard,
  | "types"
  | "health"
  | "names"
  | "other"
  | "slow"
  | "refused"
  | "refused_overflow"
  | "samples_dropped"
  | "late"
>;

const withoutSamples = ({ name, trace_type, stats }: NameStats) => ({ name, trace_type, stats });

export function storedShardContent(content: ShardContent): StoredContent {
  const slow: StoredContent["slow"] = {};
  const keep = (key: string, entry: NameStats) => {
    if (entry.slowest.length > 0) slow[key] = { trace_type: entry.trace_type, samples: entry.slowest };
  };
  const names: StoredContent["names"] = {};
  for (const [key, entry] of Object.entries(content.names)) {
    names[key] = withoutSamples(entry);
    keep(key, entry);
  }
  const other: StoredContent["other"] = {};
  for (const [type, entry] of Object.entries(content.other) as Array<[TraceType, NameStats]>) {
    other[type] = withoutSamples(entry);
    keep(nameKey(type, OTHER_TRACE_NAME), entry);
  }
  const { types, health, refused, refused_overflow, samples_dropped, late } = content;
  return { types, health, names, other, slow, refused, refused_overflow, samples_dropped, late };
}

export function shardContentOf(stored: StoredContent | undefined): ShardContent {
  if (!stored) return emptyShardContent();
  const samples = (key: string) => stored.slow[key]?.samples ?? [];
  const names: ShardContent["names"] = {};
  for (const [key, entry] of Object.entries(stored.names)) names[key] = { ...entry, slowest: samples(key) };
  const other: ShardContent["other"] = {};
  for (const [type, entry] of Object.entries(stored.other) as Array<
    [TraceType, Omit<NameStats, "slowest">]
  >) {
    other[type] = { ...entry, slowest: samples(nameKey(type, OTHER_TRACE_NAME)) };
  }
  const { types, health, refused, refused_overflow, samples_dropped, late } = stored;
  return { types, health, names, other, refused, refused_overflow, samples_dropped, late };
}
