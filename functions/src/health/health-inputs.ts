/**
 * What an evaluation looks at, read cheaply: the host documents (one per host, latest sample inline)
 * and two windows of the aggregates (the last hour and the last 24 h: about 60 + 24 rollup documents
 * plus the unfolded shards), never the traces themselves.
 */
import { logger } from "firebase-functions";
import type { Firestore, QueryDocumentSnapshot } from "firebase-admin/firestore";
import {
  summarize,
  type HealthInputs,
  type HealthStats,
  type HostHealthInput,
  type TraceType,
} from "@aideon-perf/core";
import { COLLECTIONS } from "../firestore";
import { storedHostConverter, type StoredHost } from "../stored/hosts";
import { StoredDocumentError } from "../stored/stored-document";
import type { StatsStore } from "../aggregation/stats-store";
import type { DeadLetters } from "../aggregation/dead-letters";
import { statsOfTypes, type StatsDelta, type TraceStats } from "../aggregation/trace-stats";

/** A host document as a rule input. */
export function hostInput(host: StoredHost): HostHealthInput {
  const { cpu, memory, disk } = host.latest;
  return {
    host_id: host.host_id,
    last_seen_ms: host.last_seen.toMillis(),
    interval_seconds: host.interval_seconds,
    cpu_percent: cpu.percent,
    memory_percent: memory.percent,
    disk_percent: disk.percent,
    mounts: disk.mounts.map((m) => ({ mount: m.mount, percent: m.percent })),
  };
}

/** The host of a perf_hosts document, or undefined (with a warning) when it drifted from the stored shape. */
function readHost(snap: QueryDocumentSnapshot): StoredHost | undefined {
  try {
    return storedHostConverter.parse(snap);
  } catch (e) {
    if (!(e instanceof StoredDocumentError)) throw e;
    // One malformed host must not stop the health checks of the others.
    logger.warn("host document does not match its stored shape; skipped", {
      host: snap.id,
      error: e.message,
    });
    return undefined;
  }
}

/** The health rules read only the traces that count for health (admission/health-sources.ts). */
const typeEntries = (delta: Pick<StatsDelta, "health">) =>
  (Object.entries(delta.health) as Array<[TraceType, TraceStats]>).filter(([, s]) => s.count > 0);
const healthTotal = (delta: Pick<StatsDelta, "health">) => statsOfTypes({ types: delta.health });

/** Trace statistics of the hour (with the 24 h p95 baselines) in getStats' terms; host counts come later. */
type TraceHealthStats = Omit<HealthStats, "hosts_reporting" | "hosts_silent">;

export async function readHealthInputs(
  db: Firestore,
  store: StatsStore,
  deadLetters: DeadLetters,
  nowMs: number,
): Promise<{ inputs: HealthInputs; stats: TraceHealthStats; observed: boolean }> {
  const [hostDocs, hour, day, letters] = await Promise.all([
    db.collection(COLLECTIONS.hosts).get(),
    store.readWindow("hour", nowMs),
    store.readWindow("24h", nowMs),
    deadLetters.open(),
  ]);
  const hosts = hostDocs.docs.flatMap((d) => {
    const host = readHost(d);
    return host ? [hostInput(host)] : [];
  });
  const hourTypes = typeEntries(hour);
  const dayTypes = typeEntries(day);
  const p95 = (s: TraceStats) => summarize(s).p95_duration;
  const hourByType = new Map(hourTypes);
  const inputs: HealthInputs = {
    hosts,
    slow_operations_last_hour: healthTotal(hour).slow,
    dead_letters: letters.length,
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
    total_traces: healthTotal(hour).count,
    traces_by_type: Object.fromEntries(hourTypes.map(([type, s]) => [type, s.count])),
    average_durations: Object.fromEntries(hourTypes.map(([type, s]) => [type, s.sum / s.count])),
    slow_operations_count: inputs.slow_operations_last_hour,
    p95_durations: Object.fromEntries(hourTypes.map(([type, s]) => [type, p95(s)!])),
    baseline_p95_durations: Object.fromEntries(dayTypes.map(([type, s]) => [type, p95(s)!])),
  };
  // Nothing to monitor yet: no host has reported and nothing finished (or was slow or abandoned) in 24 h.
  const observed = hostDocs.size > 0 || Object.keys(day.types).length > 0 || letters.length > 0;
  return { inputs, stats, observed };
}
