/** The disk part of a sample from si.fsSize(): the root filesystem's summary and every real mount. */
import type { HostSample } from "@aideon-perf/core";
import { MAX_MOUNTS_PER_SAMPLE, MOUNT_MAX_LENGTH } from "@aideon-perf/core/host-limits";
import { clampPercent } from "./cpu-usage";

/** The fields of si.fsSize() entries that are used. */
export interface FsSizeEntry {
  type: string;
  mount: string;
  size: number;
  used: number;
  available: number;
}

/** Memory-backed or read-only image filesystems: not disk space anyone can run out of. */
const NOT_DISK_TYPES = new Set(["tmpfs", "devtmpfs", "ramfs", "squashfs", "iso9660"]);

export function diskFromFilesystems(entries: readonly FsSizeEntry[]): HostSample["disk"] | undefined {
  const seen = new Set<string>();
  const mounts: HostSample["disk"]["mounts"] = [];
  const sorted = entries
    .filter((entry) => !NOT_DISK_TYPES.has(entry.type) && entry.size > 0 && entry.mount.length > 0)
    .sort((a, b) => (a.mount < b.mount ? -1 : a.mount > b.mount ? 1 : 0));
  for (const entry of sorted) {
    // The same mount point can be listed twice (bind mounts, stacked mounts); keep the first.
    if (seen.has(entry.mount) || entry.mount.length > MOUNT_MAX_LENGTH) continue;
    seen.add(entry.mount);
    mounts.push({ mount: entry.mount, ...usage(entry) });
  }
  // Linux and macOS: "/". Windows: the first drive in order, normally C:.
  const root = mounts.find((m) => m.mount === "/") ?? mounts[0];
  if (!root) return undefined;
  return {
    percent: root.percent,
    free_bytes: root.free_bytes,
    total_bytes: root.total_bytes,
    mounts: mounts.slice(0, MAX_MOUNTS_PER_SAMPLE),
  };
}

/** As `df` counts: used / (used + available), the reserved blocks counted as neither. */
function usage(entry: FsSizeEntry): { percent: number; free_bytes: number; total_bytes: number } {
  const total = Math.max(0, Math.round(entry.size));
  const free = Math.min(total, Math.max(0, Math.round(entry.available)));
  const used = Math.max(0, entry.used);
  return {
    percent: used + free > 0 ? clampPercent((100 * used) / (used + free)) : 0,
    free_bytes: free,
    total_bytes: total,
  };
}
