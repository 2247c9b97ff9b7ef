/**
 * Host samples in the contract's shapes: the `system-metrics` response's `metrics` object and
 * getStats' `system_metrics` summary, plus the compact points of a host's time series.
 */
import { clampClientTime, type HostSample } from "@aideon-perf/core";

/** The contract's `metrics`: timestamp, cpu, memory, disk, network, process (when one is watched). */
export function sourceMetrics(sample: HostSample) {
  return {
    timestamp: sample.timestamp,
    cpu: { percent: sample.cpu.percent, count: sample.cpu.count, load_average: sample.cpu.load_average },
    memory: { ...sample.memory },
    disk: {
      percent: sample.disk.percent,
      free_bytes: sample.disk.free_bytes,
      total_bytes: sample.disk.total_bytes,
      mounts: sample.disk.mounts,
    },
    network: { ...sample.network },
    ...(sample.process
      ? {
          process: {
            memory_bytes: sample.process.memory_bytes,
            cpu_percent: sample.process.cpu_percent,
            pid: sample.process.pid,
            name: sample.process.name,
          },
        }
      : {}),
    host: { ...sample.host },
  };
}

/**
 * The sample with its timestamp clamped to the server's receive time (the core's rule), and how far it
 * was moved. An unmoved sample keeps the agent's own string.
 */
export function clampSampleTime(
  sample: HostSample,
  receivedMs: number,
): { sample: HostSample; clampedByMs: number } {
  const { ms, clampedByMs } = clampClientTime(Date.parse(sample.timestamp), receivedMs);
  return {
    sample: clampedByMs === 0 ? sample : { ...sample, timestamp: new Date(ms).toISOString() },
    clampedByMs,
  };
}

/** One point of a host's time series: what charts and health rules need, a few dozen bytes. */
export function seriesPoint(sample: HostSample) {
  return {
    timestamp: sample.timestamp,
    cpu_percent: sample.cpu.percent,
    load_1m: sample.cpu.load_average[0],
    memory_percent: sample.memory.percent,
    disk_percent: sample.disk.percent,
    sent_per_second: sample.network.sent_per_second,
    received_per_second: sample.network.received_per_second,
    ...(sample.process
      ? { process_cpu_percent: sample.process.cpu_percent, process_memory_bytes: sample.process.memory_bytes }
      : {}),
  };
}
export type SeriesPoint = ReturnType<typeof seriesPoint>;

/** A host still reports if its last sample arrived within this many push intervals. */
export const STALE_AFTER_INTERVALS = 3;

export function isReporting(lastSeenMs: number, intervalSeconds: number, nowMs: number): boolean {
  return nowMs - lastSeenMs <= STALE_AFTER_INTERVALS * intervalSeconds * 1000;
}

const mean = (values: number[]) =>
  values.length === 0 ? null : values.reduce((a, b) => a + b, 0) / values.length;

/** getStats' `system_metrics`: the mean over the hosts still reporting, and how many they are. */
export function fleetSummary(latest: HostSample[]) {
  return {
    cpu: { percent: mean(latest.map((s) => s.cpu.percent)) },
    memory: { percent: mean(latest.map((s) => s.memory.percent)) },
    disk: { percent: mean(latest.map((s) => s.disk.percent)) },
    hosts: latest.length,
  };
}

/**
 * The agent's push interval, estimated from its samples: the smallest gap between consecutive
 * timestamps (a backlog after an outage is still evenly spaced; the outage gap is not the interval),
 * clamped to the agent's allowed range.
 */
export function estimateIntervalSeconds(timestampsMs: number[], fallback: number): number {
  const sorted = [...new Set(timestampsMs)].sort((a, b) => a - b);
  const gaps = sorted.slice(1).map((t, i) => (t - sorted[i]!) / 1000);
  const smallest = gaps.length > 0 ? Math.min(...gaps) : fallback;
  return Math.min(3600, Math.max(1, Math.round(smallest)));
}
