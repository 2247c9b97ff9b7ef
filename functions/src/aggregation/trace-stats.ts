/**
 * What the aggregates hold, as pure data: per-type and per-name duration statistics plus counts of
 * slow and abandoned traces. Deltas built from finished traces merge into shards and rollups alike.
 */
import { createHash } from "node:crypto";
import {
  aggregateAdd,
  aggregateMerge,
  emptyAggregate,
  isSlow,
  type DurationAggregate,
  type Threshold,
  type TraceType,
} from "@aideon-perf/core";

export interface TraceStats extends DurationAggregate {
  /** Traces above their type's `poor` threshold. */
  slow: number;
  /** Traces started and never stopped: counted, never part of the duration statistics. */
  abandoned: number;
}

export interface NameStats {
  name: string;
  trace_type: TraceType;
  stats: TraceStats;
}

export interface StatsDelta {
  types: Partial<Record<TraceType, TraceStats>>;
  /** Keyed by nameKey(trace_type, name). */
  names: Record<string, NameStats>;
  /** Traces whose per-name statistics were not kept because a document's name budget was full. */
  names_dropped: number;
}

/**
 * Per-name entries one shard document may hold. A name's entry is a few KB (its sketch), so this keeps
 * a shard far below Firestore's 1 MiB; beyond it, per-name statistics are dropped and counted
 * (per-type statistics stay exact). Low-cardinality names (route patterns, not URLs) never get near it.
 */
export const MAX_NAMES_PER_SHARD = 100;

export interface FinishedTrace {
  name: string;
  trace_type: TraceType;
  duration: number;
}

export function emptyStats(): TraceStats {
  return { ...emptyAggregate(), slow: 0, abandoned: 0 };
}

export function emptyDelta(): StatsDelta {
  return { types: {}, names: {}, names_dropped: 0 };
}

/** A short, stable, field-name-safe key for a (type, name) pair, whatever characters the name holds. */
export function nameKey(traceType: TraceType, name: string): string {
  return `n${createHash("sha256").update(traceType).update("\n").update(name).digest("hex").slice(0, 20)}`;
}

function statsFor(delta: StatsDelta, traceType: TraceType, name: string): [TraceStats, TraceStats] {
  const byType = (delta.types[traceType] ??= emptyStats());
  const key = nameKey(traceType, name);
  const byName = (delta.names[key] ??= { name, trace_type: traceType, stats: emptyStats() }).stats;
  return [byType, byName];
}

export function addFinishedTrace(delta: StatsDelta, trace: FinishedTrace, threshold: Threshold): void {
  const slow = isSlow(trace.duration, threshold) ? 1 : 0;
  for (const stats of statsFor(delta, trace.trace_type, trace.name)) {
    aggregateAdd(stats, trace.duration);
    stats.slow += slow;
  }
}

export function addAbandonedTrace(delta: StatsDelta, traceType: TraceType, name: string): void {
  for (const stats of statsFor(delta, traceType, name)) stats.abandoned += 1;
}

export function mergeStats(into: TraceStats, other: TraceStats): TraceStats {
  aggregateMerge(into, other);
  into.slow += other.slow;
  into.abandoned += other.abandoned;
  return into;
}

/**
 * Merges `other` into `into`. With a name budget, names that would exceed it are dropped from the
 * per-name statistics and their traces counted in names_dropped.
 */
export function mergeDelta(into: StatsDelta, other: StatsDelta, maxNames = Infinity): StatsDelta {
  for (const [type, stats] of Object.entries(other.types) as Array<[TraceType, TraceStats]>) {
    mergeStats((into.types[type] ??= emptyStats()), stats);
  }
  for (const [key, entry] of Object.entries(other.names)) {
    const existing = into.names[key];
    if (existing) {
      mergeStats(existing.stats, entry.stats);
    } else if (Object.keys(into.names).length < maxNames) {
      into.names[key] = { name: entry.name, trace_type: entry.trace_type, stats: mergeStats(emptyStats(), entry.stats) };
    } else {
      into.names_dropped += entry.stats.count + entry.stats.abandoned;
    }
  }
  into.names_dropped += other.names_dropped;
  return into;
}

/** Everything of one type (or of all types when none is given) merged into one statistics entry. */
export function statsOfTypes(delta: StatsDelta, traceType?: TraceType): TraceStats {
  const total = emptyStats();
  for (const [type, stats] of Object.entries(delta.types) as Array<[TraceType, TraceStats]>) {
    if (!traceType || type === traceType) mergeStats(total, stats);
  }
  return total;
}
