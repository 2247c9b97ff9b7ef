/**
 * Host CPU busy share from os.cpus() tick counters, as psutil.cpu_percent() does from /proc/stat.
 * Not si.currentLoad(): on Linux it runs `cat /proc/stat | grep cpu` through execSync every call,
 * a process spawn that blocks the event loop.
 */
import type { CpuInfo } from "node:os";

export interface CpuTicks {
  busy: number;
  total: number;
}

export function cpuTicks(cpus: readonly CpuInfo[]): CpuTicks {
  let busy = 0;
  let total = 0;
  for (const { times } of cpus) {
    const all = times.user + times.nice + times.sys + times.irq + times.idle;
    total += all;
    busy += all - times.idle;
  }
  return { busy, total };
}

/** Percent of all cores busy between two readings; 0 when no tick elapsed. */
export function cpuPercent(previous: CpuTicks, current: CpuTicks): number {
  const total = current.total - previous.total;
  if (total <= 0) return 0;
  return clampPercent((100 * (current.busy - previous.busy)) / total);
}

export function clampPercent(value: number): number {
  return Math.min(100, Math.max(0, round2(value)));
}

export function round2(value: number): number {
  return Math.round(value * 100) / 100;
}
