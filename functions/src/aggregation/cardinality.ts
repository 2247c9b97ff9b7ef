/**
 * The cardinality policy, as pure functions over the stored shapes.
 *
 * A trigger adds a source document's delta to one shard of its minute (`admitDelta`). A shard keeps
 * every name exactly until it would exceed its name or byte budget; a name it cannot keep is
 * "refused" for the rest of that minute: its traces go to the type's `(other)` entry of the shard and
 * its key is listed, so the fold knows that name's shard entries are incomplete.
 *
 * The fold merges a minute's shards (`planMinute`). Per type it keeps the budget's number of names
 * with the most traces among those no shard refused; every other name of that minute is folded into
 * the type's one `(other)` name. So every name shown is exact, `(other)` is exact, and a type's totals
 * always equal the sum over its names. Types never share a budget.
 */
import { OTHER_TRACE_NAME, SKETCH_MAX_BINS, TRACE_TYPES, type TraceType } from "@aideon-perf/core";
import { storedBytes, stringBytes } from "../stored/document-bytes";
import {
  emptyNameStats,
  mergeNameStats,
  mergeTypes,
  nameKey,
  slowestOf,
  tracesIn,
  type NameStats,
  type SlowSample,
  type StatsDelta,
  type TraceStats,
} from "./trace-stats";

/**
 * Distinct names per trace type per minute whose statistics are kept exactly; the rest fold into
 * `(other)`. The default of AGGREGATE_NAME_BUDGET (functions/.env).
 */
export const DEFAULT_NAME_BUDGET_PER_TYPE = 1_000;

/**
 * A shard's budgets. Names, refused keys and slow samples each have their own, so slow traces with
 * large attributes never push a name out and refusals stay listable. `SHARD_MAX_BYTES` adds them up.
 */
/** A shard keeps this many times the name budget per type: room for heavy names that come late. */
export const SHARD_NAMES_PER_BUDGET = 2;

export const SHARD_LIMITS = Object.freeze({
  namesPerType: SHARD_NAMES_PER_BUDGET * DEFAULT_NAME_BUDGET_PER_TYPE,
  nameBytes: 400 * 1024,
  sampleBytes: 160 * 1024,
  /** Refused keys listed per type; past it the type's whole minute folds into `(other)`. */
  refusedKeysPerType: 1_000,
});

/** A name key as stored: `n` and 20 hex digits, plus Firestore's 1. */
const NAME_KEY_BYTES = 22;
/** A capped sketch and its statistics, stored: SKETCH_MAX_BINS bins of at most 14 bytes, plus 200. */
const ENTRY_MAX_BYTES = SKETCH_MAX_BINS * 14 + 200;

/**
 * The most a shard document can hold: names, refused keys and samples at their budgets, plus a type
 * a health and an `(other)` entry per trace type (each a capped sketch) and 4 KiB for the rest. About
 * 860 KiB, under Firestore's 1 MiB with room.
 */
export const SHARD_MAX_BYTES =
  SHARD_LIMITS.nameBytes +
  SHARD_LIMITS.sampleBytes +
  TRACE_TYPES.length * (SHARD_LIMITS.refusedKeysPerType * NAME_KEY_BYTES + 3 * ENTRY_MAX_BYTES) +
  4 * 1024;

export type ShardLimits = { readonly [K in keyof typeof SHARD_LIMITS]: number };

/** Slow-operation records the fold writes per minute, all names together: the slowest relative to their threshold. */
export const SLOW_RECORDS_PER_MINUTE = 500;

/** A shard's statistics, as stored (less its bookkeeping fields). */
export interface ShardContent extends StatsDelta {
  /** Per type, the traces of names this shard refused, under the name `(other)`. */
  other: Partial<Record<TraceType, NameStats>>;
  /** Per type, the keys of names this shard refused. */
  refused: Partial<Record<TraceType, string[]>>;
  /** Types that refused more names than could be listed. */
  refused_overflow: TraceType[];
  /** Slow samples not kept because the shard's sample budget was full (their counts are exact). */
  samples_dropped: number;
  /** Traces that arrived after their own minute was folded and were counted in this one. */
  late: number;
}

export function emptyShardContent(): ShardContent {
  return {
    types: {},
    health: {},
    names: {},
    other: {},
    refused: {},
    refused_overflow: [],
    samples_dropped: 0,
    late: 0,
  };
}

const clone = (entry: NameStats): NameStats =>
  mergeNameStats(emptyNameStats(entry.trace_type, entry.name), entry);

const nameEntryBytes = (key: string, entry: NameStats) =>
  stringBytes(key) + storedBytes({ ...entry, slowest: [] });

function otherOf(target: Partial<Record<TraceType, NameStats>>, type: TraceType): NameStats {
  return (target[type] ??= emptyNameStats(type, OTHER_TRACE_NAME));
}

/** Adds `delta` into `shard` (mutated and returned) within the shard's budgets. */
export function admitDelta(
  shard: ShardContent,
  delta: StatsDelta,
  limits: ShardLimits = SHARD_LIMITS,
): ShardContent {
  mergeTypes(shard.types, delta.types);
  mergeTypes(shard.health, delta.health);
  let nameBytes = 0;
  let sampleBytes = 0;
  const namesOfType = new Map<TraceType, number>();
  for (const [key, entry] of Object.entries(shard.names)) {
    nameBytes += nameEntryBytes(key, entry);
    sampleBytes += storedBytes(entry.slowest);
    namesOfType.set(entry.trace_type, (namesOfType.get(entry.trace_type) ?? 0) + 1);
  }
  for (const keys of Object.values(shard.refused)) nameBytes += storedBytes(keys);
  const refusedSets = new Map<TraceType, Set<string>>();
  const refusedOf = (type: TraceType) => {
    let set = refusedSets.get(type);
    if (!set) refusedSets.set(type, (set = new Set(shard.refused[type] ?? [])));
    return set;
  };

  /** Keeps the slowest samples of `target` and `incoming` if they fit; otherwise counts the incoming as dropped. */
  const addSamples = (target: NameStats, incoming: SlowSample[]) => {
    if (incoming.length === 0) return;
    const next = slowestOf([...target.slowest, ...incoming]);
    const grown = storedBytes(next) - storedBytes(target.slowest);
    if (sampleBytes + grown > limits.sampleBytes) {
      shard.samples_dropped += incoming.length;
      return;
    }
    sampleBytes += grown;
    target.slowest = next;
  };

  const refuse = (key: string, type: TraceType, entries: NameStats[]) => {
    const other = otherOf(shard.other, type);
    for (const entry of entries) {
      mergeNameStats(other, { ...entry, slowest: [] });
      addSamples(other, entry.slowest);
    }
    const refused = refusedOf(type);
    if (refused.has(key)) return;
    if (refused.size >= limits.refusedKeysPerType) {
      if (!shard.refused_overflow.includes(type)) shard.refused_overflow.push(type);
      return;
    }
    refused.add(key);
    (shard.refused[type] ??= []).push(key);
    nameBytes += stringBytes(key);
  };

  for (const [key, incoming] of Object.entries(delta.names)) {
    const type = incoming.trace_type;
    if (refusedOf(type).has(key)) {
      refuse(key, type, [incoming]);
      continue;
    }
    const existing = shard.names[key];
    const merged = clone(existing ?? emptyNameStats(type, incoming.name));
    mergeNameStats(merged, { ...incoming, slowest: [] });
    const before = existing ? nameEntryBytes(key, existing) : 0;
    const after = nameEntryBytes(key, merged);
    const roomForName = existing !== undefined || (namesOfType.get(type) ?? 0) < limits.namesPerType;
    if (roomForName && nameBytes - before + after <= limits.nameBytes) {
      shard.names[key] = merged;
      nameBytes += after - before;
      if (!existing) namesOfType.set(type, (namesOfType.get(type) ?? 0) + 1);
      addSamples(merged, incoming.slowest);
      continue;
    }
    if (existing) {
      delete shard.names[key];
      nameBytes -= before;
      sampleBytes -= storedBytes(existing.slowest);
      namesOfType.set(type, (namesOfType.get(type) ?? 1) - 1);
    }
    refuse(key, type, existing ? [existing, incoming] : [incoming]);
  }
  return shard;
}

/** What the fold of one minute writes. */
export interface MinutePlan {
  types: Partial<Record<TraceType, TraceStats>>;
  health: Partial<Record<TraceType, TraceStats>>;
  /** Per type with an `(other)` entry: its traces and how many distinct names it holds (at least). */
  budget: Partial<Record<TraceType, TypeBudget>>;
  /** Kept names and each type's `(other)`, keyed by nameKey; `slowest` are the records to write. */
  names: Record<string, NameStats>;
  late: number;
  samples_dropped: number;
}

export interface TypeBudget {
  other_count: number;
  names_over_budget: number;
}

/** Merges a minute's shards and applies the per-type name budget. Deterministic: a re-run plans the same. */
export function planMinute(
  shards: ShardContent[],
  budget = DEFAULT_NAME_BUDGET_PER_TYPE,
  slowRecords = SLOW_RECORDS_PER_MINUTE,
): MinutePlan {
  const types: MinutePlan["types"] = {};
  const health: MinutePlan["health"] = {};
  const merged = new Map<string, NameStats>();
  const other: Partial<Record<TraceType, NameStats>> = {};
  const incomplete = new Map<TraceType, Set<string>>();
  const overflowed = new Set<TraceType>();
  let late = 0;
  let samplesDropped = 0;
  for (const shard of shards) {
    mergeTypes(types, shard.types);
    mergeTypes(health, shard.health);
    for (const [key, entry] of Object.entries(shard.names)) {
      mergeNameStats(
        merged.get(key) ?? merged.set(key, emptyNameStats(entry.trace_type, entry.name)).get(key)!,
        entry,
      );
    }
    for (const [type, entry] of Object.entries(shard.other) as Array<[TraceType, NameStats]>)
      mergeNameStats(otherOf(other, type), entry);
    for (const [type, keys] of Object.entries(shard.refused) as Array<[TraceType, string[]]>) {
      const set = incomplete.get(type) ?? incomplete.set(type, new Set()).get(type)!;
      for (const key of keys) set.add(key);
    }
    for (const type of shard.refused_overflow) overflowed.add(type);
    late += shard.late;
    samplesDropped += shard.samples_dropped;
  }

  const byType = new Map<TraceType, Array<[string, NameStats]>>();
  for (const [key, entry] of merged) {
    const list = byType.get(entry.trace_type) ?? byType.set(entry.trace_type, []).get(entry.trace_type)!;
    list.push([key, entry]);
  }
  const names: Record<string, NameStats> = {};
  const planBudget: MinutePlan["budget"] = {};
  for (const type of new Set([...byType.keys(), ...(Object.keys(other) as TraceType[])])) {
    const refused = incomplete.get(type) ?? new Set<string>();
    const candidates = (byType.get(type) ?? [])
      .filter(([key]) => !overflowed.has(type) && !refused.has(key))
      .sort(([ka, a], [kb, b]) => tracesIn(b.stats) - tracesIn(a.stats) || (ka < kb ? -1 : 1));
    const kept = new Set(candidates.slice(0, budget).map(([key]) => key));
    const overBudget = new Set(refused);
    for (const [key, entry] of byType.get(type) ?? []) {
      if (kept.has(key)) names[key] = entry;
      else {
        overBudget.add(key);
        mergeNameStats(otherOf(other, type), entry);
      }
    }
    const otherEntry = other[type];
    if (otherEntry && tracesIn(otherEntry.stats) > 0) {
      names[nameKey(type, OTHER_TRACE_NAME)] = otherEntry;
      planBudget[type] = {
        other_count: tracesIn(otherEntry.stats),
        names_over_budget: Math.max(overBudget.size, 1),
      };
    }
  }
  capSlowRecords(Object.values(names), slowRecords);
  return { types, health, budget: planBudget, names, late, samples_dropped: samplesDropped };
}

/** Keeps the `limit` slowest samples (by duration over threshold) across all names, each name's order kept. */
function capSlowRecords(entries: NameStats[], limit: number): void {
  const all = entries.flatMap((entry) => entry.slowest.map((sample) => ({ entry, sample })));
  if (all.length <= limit) return;
  const ratio = (s: SlowSample) => s.duration / (s.threshold || 1);
  all.sort((a, b) => ratio(b.sample) - ratio(a.sample) || a.sample.end_ms - b.sample.end_ms);
  const keep = new Set(all.slice(0, limit).map(({ sample }) => sample));
  for (const entry of entries) entry.slowest = entry.slowest.filter((s) => keep.has(s));
}
