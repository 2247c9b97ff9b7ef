/**
 * Takes one host sample. What each field costs, and why it is read the way it is (Linux):
 *   cpu        os.cpus() tick deltas and os.loadavg(): no spawn (si.currentLoad execSyncs `cat`)
 *   memory     si.mem(): reads /proc/meminfo, no spawn
 *   disk       si.fsSize(): spawns `df` and execSyncs `cat /proc/mounts`, so it runs every
 *              DISK_REFRESH_MS in the background and samples reuse its last answer (disk usage moves slowly)
 *   network    /proc/net/dev: si.networkStats() spawns a shell running 7 `cat`s per interface per call
 *   process    /proc/<pid>/stat and status (watched-process.ts)
 *   host       si.osInfo() once at start (it spawns several processes); the rest from node:os
 * Other platforms use si.networkStats() for the network, which spawns there too.
 * systeminformation's modules are loaded one by one: its index loads all twenty (about 10 MB of RSS).
 */
import { randomUUID } from "node:crypto";
import { readFile } from "node:fs/promises";
import os from "node:os";
import type { HostSample } from "@aideon-perf/core";
import { fsSize } from "systeminformation/lib/filesystem";
import { mem } from "systeminformation/lib/memory";
import { osInfo } from "systeminformation/lib/osinfo";
import { ratePerSecond, type CounterReading } from "./counter-rate";
import { clampPercent, cpuPercent, cpuTicks, round2, type CpuTicks } from "./cpu-usage";
import { diskFromFilesystems } from "./filesystems";
import type { Log } from "./log";
import { messages } from "./messages";
import { parseNetDev, type NetworkTotals } from "./proc-files";
import { WatchedProcess, type ProcessTarget } from "./watched-process";

const DISK_REFRESH_MS = 5 * 60_000;
const IS_LINUX = process.platform === "linux";

export class Collector {
  private cpu: CpuTicks;
  private network: { sent: CounterReading; received: CounterReading } | undefined;
  private disk: { value: HostSample["disk"]; atMs: number } | undefined;
  private diskRefresh: Promise<void> | undefined;
  private readonly watched: WatchedProcess | undefined;
  /** The watched process's pid at the last sample (null: not running; undefined: not looked yet), so finding and losing it are logged once. */
  private watchedPid: number | null | undefined;

  private constructor(
    private readonly osName: string,
    watch: ProcessTarget | undefined,
    private readonly log: Log,
  ) {
    const cpus = os.cpus();
    this.cpu = cpuTicks(cpus);
    this.watched = watch && new WatchedProcess(watch, cpus.length);
  }

  /** Reads what is fixed and takes the first counter readings, so the first sample has rates. */
  static async create(watch: ProcessTarget | undefined, log: Log): Promise<Collector> {
    const info = await osInfo().catch(() => undefined);
    const osName = `${info?.distro ?? ""} ${info?.release ?? ""}`.trim() || os.type();
    const collector = new Collector(osName, watch, log);
    await collector.readNetwork();
    return collector;
  }

  async collect(): Promise<HostSample> {
    const cpus = os.cpus();
    const ticks = cpuTicks(cpus);
    const percent = cpuPercent(this.cpu, ticks);
    this.cpu = ticks;
    const [memory, disk, network] = await Promise.all([mem(), this.readDisk(), this.readNetwork()]);
    const uptime = os.uptime();
    const watched = await this.readWatched(uptime);
    const [load1, load5, load15] = os.loadavg().map(round2) as [number, number, number];
    return {
      sample_id: randomUUID(),
      timestamp: new Date().toISOString(),
      cpu: { percent, count: cpus.length, load_average: [load1, load5, load15] },
      memory: {
        percent:
          memory.total > 0 ? clampPercent((100 * (memory.total - memory.available)) / memory.total) : 0,
        available_bytes: Math.min(memory.available, memory.total),
        total_bytes: memory.total,
      },
      disk,
      network,
      ...(watched ? { process: watched } : {}),
      host: {
        hostname: os.hostname(),
        os: this.osName,
        platform: process.platform,
        release: os.release(),
        arch: os.arch(),
        uptime_seconds: Math.round(uptime),
      },
    };
  }

  private async readWatched(uptime: number): Promise<HostSample["process"]> {
    if (!this.watched) return undefined;
    const sample = await this.watched.read(Date.now(), uptime);
    const pid = sample?.pid ?? null;
    if (pid !== this.watchedPid) {
      this.log(
        sample ? "info" : "warn",
        sample
          ? messages.processFound(sample.name, sample.pid)
          : messages.processMissing(this.watched.target),
      );
      this.watchedPid = pid;
    }
    return sample;
  }

  /**
   * The last disk reading; a due refresh runs in the background, so a slow or hung `df` (a dead network
   * mount) delays no sample but the very first, which has nothing to reuse.
   */
  private async readDisk(): Promise<HostSample["disk"]> {
    const due = !this.disk || Date.now() - this.disk.atMs >= DISK_REFRESH_MS;
    if (due) this.diskRefresh ??= this.refreshDisk().finally(() => (this.diskRefresh = undefined));
    if (!this.disk) await this.diskRefresh;
    if (!this.disk) throw new Error("no disk found: si.fsSize() listed no filesystem");
    return this.disk.value;
  }

  private async refreshDisk(): Promise<void> {
    const atMs = Date.now();
    const value = diskFromFilesystems(await fsSize().catch(() => []));
    // A failed refresh keeps the last answer, and is tried again at the next sample.
    if (value) this.disk = { value, atMs };
  }

  private async readNetwork(): Promise<HostSample["network"]> {
    const atMs = Date.now();
    const totals = IS_LINUX
      ? parseNetDev(await readFile("/proc/net/dev", "utf8"))
      : await networkTotalsFromSi();
    const sent = { value: totals.bytesSent, atMs };
    const received = { value: totals.bytesReceived, atMs };
    const previous = this.network;
    this.network = { sent, received };
    return {
      bytes_sent: totals.bytesSent,
      bytes_received: totals.bytesReceived,
      sent_per_second: ratePerSecond(previous?.sent, sent),
      received_per_second: ratePerSecond(previous?.received, received),
    };
  }
}

/** Loaded only where it is used: Linux never needs it. */
async function networkTotalsFromSi(): Promise<NetworkTotals> {
  const { networkStats } = await import("systeminformation/lib/network");
  const interfaces = await networkStats("*");
  const external = interfaces.filter((entry) => !/^lo\d*$|loopback/i.test(entry.iface));
  return {
    bytesReceived: external.reduce((sum, entry) => sum + (entry.rx_bytes || 0), 0),
    bytesSent: external.reduce((sum, entry) => sum + (entry.tx_bytes || 0), 0),
  };
}
