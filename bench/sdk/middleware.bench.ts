/**
 * The Express middleware's overhead: the same one-route app with and without it, each in its own
 * server process, loaded over loopback by this process with keep-alive connections, rounds
 * alternating between the two, each a fixed number of requests. Reported: requests per second and
 * the server's CPU time per request. On a 2-core machine the load generator shares the CPU with the
 * server, so requests per second move with total CPU; the server's CPU per request isolates the SDK.
 *
 *   npm run bench -- middleware        (BENCH_REQUESTS=20000 BENCH_ROUNDS=5 BENCH_CONCURRENCY=32)
 */
import { spawn, type ChildProcess } from "node:child_process";
import { Agent, request } from "node:http";
import path from "node:path";
import { createInterface } from "node:readline";
import type { MonitorStats } from "@aideon-perf/sdk";
import { report, reportFailure } from "../support/report";
import { median, table } from "./support/stats";

const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 20_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 32);
const WARM_UP = Math.min(REQUESTS, 5_000);

interface Server {
  label: string;
  origin: string;
  process: ChildProcess;
}

interface ServerStats {
  cpuUs: number;
  sdk: MonitorStats | null;
}

async function startServer(variant: "bare" | "instrumented"): Promise<Server> {
  const child = spawn(
    process.execPath,
    ["--import", "tsx", path.join(__dirname, "support/express-server.ts"), variant],
    {
      stdio: ["ignore", "pipe", "inherit"],
    },
  );
  const line = await new Promise<string>((resolve, reject) => {
    child.once("exit", (code) => reject(new Error(`${variant} server exited with ${code}`)));
    createInterface({ input: child.stdout! }).once("line", resolve);
  });
  const { origin } = JSON.parse(line) as { origin: string };
  return {
    label: variant === "bare" ? "Express app" : "Express app + SDK middleware",
    origin,
    process: child,
  };
}

function get(agent: Agent, url: string): Promise<string> {
  return new Promise((resolve, reject) => {
    request(url, { agent }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => (body += chunk));
      res.on("end", () =>
        res.statusCode === 200 ? resolve(body) : reject(new Error(`HTTP ${res.statusCode} from ${url}`)),
      );
    })
      .on("error", reject)
      .end();
  });
}

const serverStats = async (server: Server): Promise<ServerStats> =>
  JSON.parse(await get(new Agent(), `${server.origin}/__stats`)) as ServerStats;

/** Sends `count` requests, CONCURRENCY at a time: requests per second and server CPU us per request. */
async function load(server: Server, count: number): Promise<{ rps: number; cpuUs: number }> {
  const agent = new Agent({ keepAlive: true, maxSockets: CONCURRENCY });
  const before = await serverStats(server);
  let sent = 0;
  const started = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (sent < count) {
        sent++;
        await get(agent, `${server.origin}/api/items/${sent % 100}`);
      }
    }),
  );
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  agent.destroy();
  const after = await serverStats(server);
  return { rps: count / seconds, cpuUs: (after.cpuUs - before.cpuUs) / count };
}

async function main(): Promise<void> {
  const servers = [await startServer("bare"), await startServer("instrumented")];
  const [bare, instrumented] = servers as [Server, Server];
  try {
    for (const s of servers) await load(s, WARM_UP);
    const results = new Map(servers.map((s) => [s, { rps: [] as number[], cpuUs: [] as number[] }]));
    for (let r = 0; r < ROUNDS; r++) {
      for (const s of r % 2 ? [...servers].reverse() : servers) {
        const { rps, cpuUs } = await load(s, REQUESTS);
        results.get(s)!.rps.push(rps);
        results.get(s)!.cpuUs.push(cpuUs);
      }
    }
    const m = (s: Server, k: "rps" | "cpuUs") => median(results.get(s)![k]);
    const sdk = (await serverStats(instrumented)).sdk!;
    const served = WARM_UP + ROUNDS * REQUESTS;
    const recorded = sdk.sent + sdk.queued + sdk.inFlight;

    report(
      `Express middleware overhead: median of ${ROUNDS} rounds x ${REQUESTS} requests, ${CONCURRENCY} keep-alive connections, loopback (Node ${process.version})\n`,
    );
    report(
      table([
        ["", "requests/s", "server CPU us/request"],
        [bare.label, m(bare, "rps").toFixed(0), m(bare, "cpuUs").toFixed(1)],
        [instrumented.label, m(instrumented, "rps").toFixed(0), m(instrumented, "cpuUs").toFixed(1)],
        [
          "overhead",
          `${((1 - m(instrumented, "rps") / m(bare, "rps")) * 100).toFixed(1)}%`,
          `+${(m(instrumented, "cpuUs") - m(bare, "cpuUs")).toFixed(1)} us (${((m(instrumented, "cpuUs") / m(bare, "cpuUs") - 1) * 100).toFixed(1)}%)`,
        ],
      ]),
    );
    report(
      `\nrecorded: ${recorded} HTTP_REQUEST traces for ${served} requests; dropped ${JSON.stringify(sdk.dropped)}`,
    );
    const ok = recorded === served && Object.values(sdk.dropped).every((n) => n === 0);
    report(`every request recorded, nothing dropped: ${ok ? "PASS" : "FAIL"}`);
    process.exitCode = ok ? 0 : 1;
  } finally {
    for (const s of servers) s.process.kill();
  }
}

main().catch(reportFailure);
