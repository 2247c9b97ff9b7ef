/**
 * The process the agent was told to watch, read from /proc: a few small file reads per sample.
 * Not si.processLoad() (runs `ps` each call) nor si.processes() (about 0.3 s of CPU).
 * A process given by name is looked up once and again only after it exits (a restart gets a new pid).
 */
import { readdir, readFile } from "node:fs/promises";
import type { HostSample } from "@aideon-perf/core";
import { round2 } from "./cpu-usage";
import { parseProcessStat, parseVmRssBytes } from "./proc-files";

/** USER_HZ, the unit of /proc tick counts: 100 on every Linux architecture Node supports. */
const TICKS_PER_SECOND = 100;
/** /proc/<pid>/stat's comm is cut to 15 characters. */
const COMM_MAX_LENGTH = 15;

export type ProcessTarget = { pid: number } | { name: string };

type ProcessSample = NonNullable<HostSample["process"]>;

export class WatchedProcess {
  private pid: number | undefined;
  private previous: { pid: number; cpuTicks: number; atMs: number } | undefined;

  constructor(
    readonly target: ProcessTarget,
    private readonly cpuCount: number,
  ) {
    this.pid = "pid" in target ? target.pid : undefined;
  }

  /** The process's sample, or undefined while it is not running. */
  async read(nowMs: number, uptimeSeconds: number): Promise<ProcessSample | undefined> {
    this.pid ??= await this.findPid();
    const pid = this.pid;
    if (pid === undefined) return undefined;
    let stat;
    let rss;
    try {
      [stat, rss] = await Promise.all([
        readFile(`/proc/${pid}/stat`, "utf8"),
        readFile(`/proc/${pid}/status`, "utf8"),
      ]);
    } catch {
      // Gone: look the name up again next time.
      if ("name" in this.target) this.pid = undefined;
      return undefined;
    }
    const { name, cpuTicks, startTicks } = parseProcessStat(stat);
    // Since the previous reading of this pid; for a newly found one, its lifetime average.
    const since =
      this.previous?.pid === pid
        ? { cpuTicks: this.previous.cpuTicks, seconds: (nowMs - this.previous.atMs) / 1_000 }
        : { cpuTicks: 0, seconds: uptimeSeconds - startTicks / TICKS_PER_SECOND };
    this.previous = { pid, cpuTicks, atMs: nowMs };
    const percent =
      since.seconds > 0 ? (100 * (cpuTicks - since.cpuTicks)) / TICKS_PER_SECOND / since.seconds : 0;
    return {
      pid,
      name: name || String(pid),
      memory_bytes: parseVmRssBytes(rss),
      cpu_percent: Math.min(100 * this.cpuCount, Math.max(0, round2(percent))),
    };
  }

  /** Lowest pid whose comm is the name (for a daemon, normally its parent). */
  private async findPid(): Promise<number | undefined> {
    if (!("name" in this.target)) return undefined;
    const wanted = this.target.name.slice(0, COMM_MAX_LENGTH);
    const pids = (await readdir("/proc"))
      .filter((entry) => /^\d+$/.test(entry))
      .map(Number)
      .sort((a, b) => a - b);
    for (const pid of pids) {
      const comm = await readFile(`/proc/${pid}/comm`, "utf8").catch(() => "");
      if (comm.trimEnd() === wanted) return pid;
    }
    return undefined;
  }
}
