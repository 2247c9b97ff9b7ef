/** Parsers for the Linux /proc files the agent reads directly instead of spawning a process. */

export interface NetworkTotals {
  bytesReceived: number;
  bytesSent: number;
}

/** Bytes received and sent since boot over every interface but loopback, from /proc/net/dev. */
export function parseNetDev(text: string): NetworkTotals {
  let bytesReceived = 0;
  let bytesSent = 0;
  // Two header lines, then `  eth0: rx_bytes rx_packets ... (8 receive columns) tx_bytes ...`.
  for (const line of text.split("\n").slice(2)) {
    const colon = line.indexOf(":");
    if (colon < 0) continue;
    if (line.slice(0, colon).trim() === "lo") continue;
    const columns = line
      .slice(colon + 1)
      .trim()
      .split(/\s+/)
      .map(Number);
    bytesReceived += columns[0] ?? 0;
    bytesSent += columns[8] ?? 0;
  }
  return { bytesReceived, bytesSent };
}

export interface ProcessStat {
  /** comm: the executable name, at most 15 characters. */
  name: string;
  /** User plus system time in clock ticks. */
  cpuTicks: number;
  /** Start time in clock ticks after boot. */
  startTicks: number;
}

/**
 * /proc/<pid>/stat. The name is in parentheses and may itself hold spaces and parentheses, so the
 * fields are counted from the last ')'.
 */
export function parseProcessStat(text: string): ProcessStat {
  const open = text.indexOf("(");
  const close = text.lastIndexOf(")");
  if (open < 0 || close < open) throw new Error("unexpected /proc/<pid>/stat format");
  // After ')': state is field 3, utime 14, stime 15, starttime 22 (1-based, proc(5)).
  const fields = text.slice(close + 2).split(" ");
  const field = (n: number) => Number(fields[n - 3]);
  return { name: text.slice(open + 1, close), cpuTicks: field(14) + field(15), startTicks: field(22) };
}

/** Resident set size in bytes from /proc/<pid>/status (VmRSS is in kB whatever the page size). */
export function parseVmRssBytes(text: string): number {
  const match = /^VmRSS:\s+(\d+)\s+kB/m.exec(text);
  // Kernel threads have no VmRSS.
  return match ? Number(match[1]) * 1024 : 0;
}
