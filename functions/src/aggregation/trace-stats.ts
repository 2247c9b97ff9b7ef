/**
 * What the aggregates hold, as pure data: per-type and per-name duration statistics plus counts of
 * slow and abandoned traces, and the slowest traces of each name (the slow-operation records the fold
 * writes). Deltas built from finished traces merge into shards and rollups alike.
 */
import { createHash } from "node:crypto";
import {
  aggregateAdd,
  aggregateMerge,
  emptyAggregate,
  isSlow,
  type Attributes,
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

/** One slow trace, kept to become a slow-operation record when its minute is folded. */
export interface SlowSample {
  name: string;
  duration: number;
  /** The type's poor threshold when the trace was aggregated. */
  threshold: number;
  /** When the trace ended (clamped client time or server stop time). */
  end_ms: number;
  /** Server receive (or stop) time: the record's expiry counts from it. */
  server_ms: number;
  attributes: Attributes;
}

/** Slow samples kept per name per shard and per name per folded minute: the slowest. */
export const SLOW_SAMPLES_PER_NAME = 10;

export interface NameStats {
  name: string;
  trace_type: TraceType;
  stats: TraceStats;
  /** The slowest slow traces, slowest first, at most SLOW_SAMPLES_PER_NAME. */
  slowest: SlowSample[];
}

/** One source document's contribution: per-type statistics and per-name entries keyed by nameKey. */
export interface StatsDelta {
  types: Partial<Record<TraceType, TraceStats>>;
  /** Per type, only the traces that count for health (their principal's source, within its cap). */
  health: Partial<Record<TraceType, TraceStats>>;
  names: Record<string, NameStats>;
}

/** A finished trace as the statistics take it: no times (the caller buckets it), only what is counted. */
export interface TraceForStats {
  name: string;
  trace_type: TraceType;
  duration: number;
  attributes?: Attributes;
  /** false: left out of the health statistics (admission/health-sources.ts); absent counts. */
  health?: boolean;
}

export function emptyStats(): TraceStats {
  return { ...emptyAggregate(), slow: 0, abandoned: 0 };
}

export function emptyDelta(): StatsDelta {
  return { types: {}, health: {}, names: {} };
}

export function emptyNameStats(traceType: TraceType, name: string): NameStats {
  return { name, trace_type: traceType, stats: emptyStats(), slowest: [] };
}

/** A short, stable, field-name-safe key for a (type, name) pair, whatever characters the name holds. */
export function nameKey(traceType: TraceType, name: string): string {
  return `n${createHash("sha256").update(traceType).update("\n").update(name).digest("hex").slice(0, 20)}`;
}

function entriesFor(delta: StatsDelta, traceType: TraceType, name: string): [TraceStats, NameStats] {
  const byType = (delta.types[traceType] ??= emptyStats());
  const byName = (delta.names[nameKey(traceType, name)] ??= emptyNameStats(traceType, name));
  return [byType, byName];
}

/** Adds a finished trace; a slow one is also kept as a sample when it is among its name's slowest. */
export function addFinishedTrace(
  delta: StatsDelta,
  trace: TraceForStats,
  threshold: Threshold,
  times: { end_ms: number; server_ms: number },
): void {
  const slow = isSlow(trace.duration, threshold);
  const [byType, byName] = entriesFor(delta, trace.trace_type, trace.name);
  const counted = [byType, byName.stats];
  if (trace.health !== false) counted.push((delta.health[trace.trace_type] ??= emptyStats()));
  for (const stats of counted) {
    aggregateAdd(stats, trace.duration);
    if (slow) stats.slow += 1;
  }
  if (slow) {
    const sample = {
      name: trace.name,
      duration: trace.duration,
      threshold: threshold.poor,
      ...times,
      attributes: trace.attributes ?? {},
    };
    byName.slowest = slowestOf([...byName.slowest, sample]);
  }
}

export function addAbandonedTrace(delta: StatsDelta, traceType: TraceType, name: string): void {
  const [byType, byName] = entriesFor(delta, traceType, name);
  byType.abandoned += 1;
  byName.stats.abandoned += 1;
}

/** The `limit` slowest samples, slowest first; ties broken by end time so the choice is deterministic. */
export function slowestOf(samples: SlowSample[], limit = SLOW_SAMPLES_PER_NAME): SlowSample[] {
  return [...samples]
    .sort((a, b) => b.duration - a.duration || a.end_ms - b.end_ms || (a.name < b.name ? -1 : 1))
    .slice(0, limit);
}

export function mergeStats(into: TraceStats, other: TraceStats): TraceStats {
  aggregateMerge(into, other);
  into.slow += other.slow;
  into.abandoned += other.abandoned;
  return into;
}

/** Adds `other` into `into` (mutated and returned): statistics exactly, samples keeping the slowest. */
export function mergeNameStats(into: NameStats, other: NameStats): NameStats {
  mergeStats(into.stats, other.stats);
  if (other.slowest.length > 0) into.slowest = slowestOf([...into.slowest, ...other.slowest]);
  return into;
}

export function mergeTypes(into: StatsDelta["types"], other: StatsDelta["types"]): StatsDelta["types"] {
  for (const [type, stats] of Object.entries(other) as Array<[TraceType, TraceStats]>) {
    mergeStats((into[type] ??= emptyStats()), stats);
  }
  return into;
}

/** Traces an entry stands for: finished and abandoned. */
export const tracesIn = (stats: TraceStats): number => stats.count + stats.abandoned;

/** Everything of one type (or of all types when none is given) merged into one statistics entry. */
export function statsOfTypes({ types }: Pick<StatsDelta, "types">, traceType?: TraceType): TraceStats {
  const total = emptyStats();
  for (const [type, stats] of Object.entries(types) as Array<[TraceType, TraceStats]>) {
    if (!traceType || type === traceType) mergeStats(total, stats);
  }
  return total;
}
