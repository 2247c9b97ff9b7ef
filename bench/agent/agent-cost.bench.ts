/**
 * The host agent's own cost at a 15 s interval over several minutes: CPU as % of one core (from
 * /proc/<pid>/stat utime+stime deltas, and with its reaped children's cutime+cstime, i.e. any `df` it
 * ran) and RSS (average and maximum), side by side with Prometheus node_exporter scraped over loopback
 * at the same interval. The agent is the built CLI on plain Node, pushing to a local receiver that
 * validates every push with the core schema.
 *
 * Budget (DESIGN.md): under 1% of one core and under 60 MB (10^6 bytes) RSS. Prints PASS / OVER and
 * exits non-zero when over.
 *
 *   npm run bench -- agent     (BENCH_AGENT_SECONDS=240 BENCH_AGENT_INTERVAL=15)
 *
 * node_exporter is Debian's prometheus-node-exporter (`apt-get install -y prometheus-node-exporter`);
 * without /usr/bin/prometheus-node-exporter the agent is reported alone.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { get } from "node:http";
import { createServer, type AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildAgent, spawnAgent } from "../../test/agent/agent-process";
import { Receiver } from "../../test/agent/receiver";
import { report, reportFailure } from "../support/report";

const DURATION_S = Number(process.env.BENCH_AGENT_SECONDS ?? 240);
const INTERVAL_S = Number(process.env.BENCH_AGENT_INTERVAL ?? 15);
const NODE_EXPORTER = "/usr/bin/prometheus-node-exporter";
const BUDGET = { cpuPercentOfOneCore: 1, rssBytes: 60e6 };
/** Startup (module loading, si.osInfo's processes, the first sample) is reported apart from the steady state. */
const WARMUP_MS = 5_000;
const PROBE_MS = 1_000;
const KEY = "ak_bench_0123456789abcdef";

const TICKS_PER_SECOND = Number(spawnSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).stdout.trim()) || 100;

interface Reading {
  atMs: number;
  ownTicks: number;
  childTicks: number;
  rssBytes: number;
}

function read(pid: number): Reading {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  // Fields after the ")" that closes the name: utime is field 14, stime 15, cutime 16, cstime 17.
  const fields = stat
    .slice(stat.lastIndexOf(")") + 2)
    .split(" ")
    .map(Number);
  const field = (n: number) => fields[n - 3] as number;
  const rssKb = Number(/^VmRSS:\s+(\d+)/m.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1] ?? 0);
  return {
    atMs: Date.now(),
    ownTicks: field(14) + field(15),
    childTicks: field(16) + field(17),
    rssBytes: rssKb * 1024,
  };
}

class Probe {
  readonly readings: Reading[] = [];
  constructor(
    readonly label: string,
    readonly pid: number,
  ) {}

  take(): void {
    try {
      this.readings.push(read(this.pid));
    } catch {
      // exited
    }
  }

  /** CPU % of one core and RSS over the readings at or after fromMs. */
  summary(fromMs: number) {
    const window = this.readings.filter((r) => r.atMs >= fromMs);
    const first = window[0] as Reading;
    const last = window.at(-1) as Reading;
    const seconds = (last.atMs - first.atMs) / 1_000;
    const percent = (ticks: number) => (100 * ticks) / TICKS_PER_SECOND / seconds;
    const rss = window.map((r) => r.rssBytes);
    return {
      seconds,
      cpuPercent: percent(last.ownTicks - first.ownTicks),
      cpuPercentWithChildren: percent(last.ownTicks + last.childTicks - first.ownTicks - first.childTicks),
      rssAverage: rss.reduce((a, b) => a + b, 0) / rss.length,
    };
  }

  /** Highest RSS since the process started: the probes' maximum, or the kernel's high-water mark (updated lazily). */
  rssPeak(): number {
    const hwmKb = Number(/^VmHWM:\s+(\d+)/m.exec(readFileSync(`/proc/${this.pid}/status`, "utf8"))?.[1] ?? 0);
    return Math.max(hwmKb * 1024, ...this.readings.map((r) => r.rssBytes));
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

function scrape(url: string): Promise<number> {
  return new Promise((resolve, reject) => {
    get(url, (response) => {
      let bytes = 0;
      response.on("data", (chunk: Buffer) => (bytes += chunk.length));
      response.on("end", () => resolve(bytes));
    }).on("error", reject);
  });
}

async function startNodeExporter(): Promise<{ child: ChildProcess; url: string } | undefined> {
  if (!existsSync(NODE_EXPORTER)) {
    report(
      `${NODE_EXPORTER} is missing: reporting the agent alone. To compare: apt-get install -y prometheus-node-exporter`,
    );
    return undefined;
  }
  const port = await freePort();
  const child = spawn(NODE_EXPORTER, [`--web.listen-address=127.0.0.1:${port}`], { stdio: "ignore" });
  const url = `http://127.0.0.1:${port}/metrics`;
  for (let attempt = 0; ; attempt++) {
    try {
      await scrape(url);
      return { child, url };
    } catch (error) {
      if (attempt > 50) throw error;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

const mb = (bytes: number) => (bytes / 1e6).toFixed(1);
const pct = (value: number) => value.toFixed(3);

async function main(): Promise<number> {
  buildAgent();
  const receiver = new Receiver(KEY);
  await receiver.start();
  const keyDir = mkdtempSync(join(tmpdir(), "aideon-perf-bench-"));
  writeFileSync(join(keyDir, "key"), KEY, { mode: 0o600 });

  const fast: Record<string, string> = INTERVAL_S < 5 ? { AIDEON_AGENT_ALLOW_FAST: "1" } : {};
  const agent = spawnAgent(
    ["--endpoint", receiver.url, "--key-file", join(keyDir, "key"), "--interval", String(INTERVAL_S)],
    fast,
  );
  const exporter = await startNodeExporter();
  const probes = [new Probe("aideon-perf-agent", agent.child.pid as number)];
  if (exporter) probes.push(new Probe("node_exporter (scraped)", exporter.child.pid as number));

  report(
    `agent and ${exporter ? "node_exporter" : "nothing else"} at a ${INTERVAL_S} s interval for ${DURATION_S} s (CLK_TCK ${TICKS_PER_SECOND})...`,
  );
  const started = Date.now();
  const probeTimer = setInterval(() => probes.forEach((p) => p.take()), PROBE_MS);
  probes.forEach((p) => p.take());
  let scrapes = 0;
  let scrapeBytes = 0;
  const scrapeTimer = exporter
    ? setInterval(
        () => void scrape(exporter.url).then((bytes) => ((scrapes += 1), (scrapeBytes = bytes))),
        INTERVAL_S * 1_000,
      )
    : undefined;
  await new Promise((r) => setTimeout(r, DURATION_S * 1_000));
  clearInterval(probeTimer);
  clearInterval(scrapeTimer);
  probes.forEach((p) => p.take());

  const startup = probes[0]?.summary(started);
  const rows = probes.map((probe) => ({
    probe,
    steady: probe.summary(started + WARMUP_MS),
    rssPeak: probe.rssPeak(),
  }));
  agent.child.kill("SIGTERM");
  const exit = await agent.exited;
  exporter?.child.kill("SIGTERM");
  await receiver.stop();
  rmSync(keyDir, { recursive: true, force: true });

  const pushes = receiver.requests.filter((r) => r.status === 200).length;
  const failed = receiver.requests.length - pushes;
  report(
    `\nsteady state over ${rows[0]?.steady.seconds.toFixed(0)} s (after a ${WARMUP_MS / 1_000} s warm-up):`,
  );
  report("process                     CPU % of one core   +children   RSS avg MB   RSS max MB (since start)");
  for (const { probe, steady, rssPeak } of rows) {
    report(
      `${probe.label.padEnd(28)}${pct(steady.cpuPercent).padStart(17)}${pct(steady.cpuPercentWithChildren).padStart(12)}` +
        `${mb(steady.rssAverage).padStart(13)}${mb(rssPeak).padStart(13)}`,
    );
  }
  if (startup)
    report(
      `agent including startup: ${pct(startup.cpuPercentWithChildren)} % of one core over ${startup.seconds.toFixed(0)} s`,
    );
  report(
    `agent: ${pushes} pushes stored (${receiver.stored.size} samples), ${failed} refused; exit code ${exit.code} on SIGTERM`,
  );
  if (exporter) report(`node_exporter: ${scrapes} scrapes of ${(scrapeBytes / 1e3).toFixed(0)} kB each`);

  const [agentRow] = rows;
  if (!agentRow) throw new Error("no agent readings");
  const agentSteady = agentRow.steady;
  const cpuOk = agentSteady.cpuPercentWithChildren < BUDGET.cpuPercentOfOneCore;
  const rssOk = agentRow.rssPeak < BUDGET.rssBytes;
  const sane = failed === 0 && pushes > 0 && exit.code === 0;
  report(
    `\nbudget: CPU ${pct(agentSteady.cpuPercentWithChildren)} % < ${BUDGET.cpuPercentOfOneCore} % ${cpuOk ? "PASS" : "OVER"}; ` +
      `RSS max ${mb(agentRow.rssPeak)} MB < ${mb(BUDGET.rssBytes)} MB ${rssOk ? "PASS" : "OVER"}` +
      (sane ? "" : `; pushes not all stored or unclean exit: FAIL`),
  );
  return cpuOk && rssOk && sane ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    reportFailure(error);
    process.exit();
  },
);
