/**
 * What an evaluation looks at, read cheaply: the host documents (one per host, latest sample inline)
 * and two windows of the aggregates (the last hour and the last 24 h: about 60 + 24 rollup documents
 * plus the unfolded shards), never the traces themselves.
 */
import { logger } from "firebase-functions";
import type { Firestore, Timestamp } from "firebase-admin/firestore";
import { summarize, type HealthInputs, type HealthStats, type HostHealthInput, type TraceType } from "@aideon-perf/core";
import { COLLECTIONS } from "../firestore";
import type { StatsStore } from "../aggregation/stats-store";
import { statsOfTypes, type StatsDelta, type TraceStats } from "../aggregation/trace-stats";

/** The part of a perf_hosts document (written by host metrics ingestion) that the rules read. */
interface HostDocument {
  host_id?: string;
  last_seen?: Timestamp;
  interval_seconds?: number;
  latest?: {
    cpu?: { percent?: number };
    memory?: { percent?: number };
    disk?: { percent?: number; mounts?: Array<{ mount?: string; percent?: number }> };
  };
}

const finite = (n: unknown): n is number => typeof n === "number" && Number.isFinite(n);

/** A host document as a rule input, or undefined when it lacks what the rules need. */
export function hostInput(id: string, doc: HostDocument): HostHealthInput | undefined {
  const latest = doc.latest;
  const [cpu, memory, disk] = [latest?.cpu?.percent, latest?.memory?.percent, latest?.disk?.percent];
  if (!doc.last_seen || !finite(doc.interval_seconds) || doc.interval_seconds <= 0 || !finite(cpu) || !finite(memory) || !finite(disk)) {
    return undefined;
  }
  return {
    host_id: doc.host_id ?? id,
    last_seen_ms: doc.last_seen.toMillis(),
    interval_seconds: doc.interval_seconds,
    cpu_percent: cpu,
    memory_percent: memory,
    disk_percent: disk,
    mounts: (latest?.disk?.mounts ?? []).flatMap((m) => (typeof m.mount === "string" && finite(m.percent) ? [{ mount: m.mount, percent: m.percent }] : [])),
  };
}

const typeEntries = (delta: StatsDelta) => (Object.entries(delta.types) as Array<[TraceType, TraceStats]>).filter(([, s]) => s.count > 0);

/** Trace statistics of the hour (with the 24 h p95 baselines) in getStats' terms; host counts come later. */
type TraceHealthStats = Omit<HealthStats, "hosts_reporting" | "hosts_silent">;

export async function readHealthInputs(
  db: Firestore,
  store: StatsStore,
  nowMs: number,
): Promise<{ inputs: HealthInputs; stats: TraceHealthStats; observed: boolean }> {
  const [hostDocs, hour, day] = await Promise.all([
    db.collection(COLLECTIONS.hosts).get(),
    store.readWindow("hour", nowMs),
    store.readWindow("24h", nowMs),
  ]);
  const hosts = hostDocs.docs.flatMap((d) => {
    const input = hostInput(d.id, d.data() as HostDocument);
    if (!input) logger.warn("host document without the fields health rules need; skipped", { host: d.id });
    return input ? [input] : [];
  });
  const hourTypes = typeEntries(hour.delta);
  const dayTypes = typeEntries(day.delta);
  const p95 = (s: TraceStats) => summarize(s).p95_duration;
  const hourByType = new Map(hourTypes);
  const inputs: HealthInputs = {
    hosts,
    slow_operations_last_hour: statsOfTypes(hour.delta).slow,
    latency: dayTypes.map(([type, baseline]) => {
      const now = hourByType.get(type);
      return {
        trace_type: type,
        hour: { count: now?.count ?? 0, p95: now ? p95(now) : null },
        baseline: { count: baseline.count, p95: p95(baseline) },
      };
    }),
  };
  const stats: TraceHealthStats = {
    window: "hour",
    total_traces: statsOfTypes(hour.delta).count,
    traces_by_type: Object.fromEntries(hourTypes.map(([type, s]) => [type, s.count])),
    average_durations: Object.fromEntries(hourTypes.map(([type, s]) => [type, s.sum / s.count])),
    slow_operations_count: inputs.slow_operations_last_hour,
    p95_durations: Object.fromEntries(hourTypes.map(([type, s]) => [type, p95(s)!])),
    baseline_p95_durations: Object.fromEntries(dayTypes.map(([type, s]) => [type, p95(s)!])),
  };
  // Nothing to monitor yet: no host has reported and nothing finished (or was slow or abandoned) in 24 h.
  const observed = hostDocs.size > 0 || Object.keys(day.delta.types).length > 0;
  return { inputs, stats, observed };
}
