/**
 * The Express middleware's overhead beside OpenTelemetry's own HTTP + Express instrumentation: the same
 * app (support/express-app.ts) served three ways, bare, with the SDK's middleware and under
 * OpenTelemetry, each in a server process of its own (OpenTelemetry patches modules as they load).
 * This process loads them over loopback with keep-alive connections, a fixed number of requests per
 * round, rounds interleaved (the order reversed every other round) after a discarded warm-up round.
 * Reported, as medians of the rounds: requests per second and the server's CPU time per request. On a
 * 2-core machine the load generator shares the CPU with the server, so requests per second move with
 * total CPU; the server's CPU per request isolates the instrumentation. Both instrumentations deliver
 * to a sink that only counts, and the counts are checked: every request recorded by both.
 *
 *   npm run bench -- middleware        (BENCH_REQUESTS=10000 BENCH_ROUNDS=5 BENCH_CONCURRENCY=32)
 */
import { fork, type ChildProcess } from "node:child_process";
import { Agent, request } from "node:http";
import path from "node:path";
import { report, reportFailure } from "../support/report";
import { requestPath } from "./support/express-app";
import type { Listening, ServerStats, Variant } from "./support/server-variants";
import { median, table } from "./support/stats";

const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 10_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 32);
const WARM_UP = Math.min(REQUESTS, 5_000);

const LABELS: Record<Variant, string> = {
  bare: "Express app, bare",
  sdk: "+ aideon-perf SDK middleware",
  otel: "+ OpenTelemetry http + express",
};

interface Server {
  variant: Variant;
  origin: string;
  process: ChildProcess;
}

async function startServer(variant: Variant): Promise<Server> {
  const child = fork(path.join(__dirname, "support/express-server.ts"), [variant], {
    execArgv: ["--import", "tsx"],
  });
  const { origin } = await new Promise<Listening>((resolve, reject) => {
    child.once("exit", (code) => reject(new Error(`the ${variant} server exited with ${code}`)));
    child.once("message", (message) => resolve(message as Listening));
  });
  return { variant, origin, process: child };
}

/** The server's CPU time and recorded counts, after it delivered what its instrumentation queued. */
const serverStats = (server: Server): Promise<ServerStats> =>
  new Promise((resolve) => {
    server.process.once("message", (message) => resolve(message as ServerStats));
    server.process.send("stats");
  });

function get(agent: Agent, url: string): Promise<void> {
  return new Promise((resolve, reject) => {
    request(url, { agent }, (res) => {
      res.resume();
      res.on("end", () =>
        res.statusCode === 200 ? resolve() : reject(new Error(`HTTP ${res.statusCode} from ${url}`)),
      );
    })
      .on("error", reject)
      .end();
  });
}

/** Sends `count` requests, CONCURRENCY at a time: requests per second and server CPU us per request. */
async function load(server: Server, count: number): Promise<{ rps: number; cpuUs: number }> {
  const agent = new Agent({ keepAlive: true, maxSockets: CONCURRENCY });
  const before = await serverStats(server);
  let sent = 0;
  const started = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (sent < count) await get(agent, `${server.origin}${requestPath(sent++)}`);
    }),
  );
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  agent.destroy();
  const after = await serverStats(server);
  return { rps: count / seconds, cpuUs: (after.cpuUs - before.cpuUs) / count };
}

async function main(): Promise<void> {
  const servers: Server[] = [];
  try {
    for (const variant of ["bare", "sdk", "otel"] as const) servers.push(await startServer(variant));
    const [bare, sdk, otel] = servers as [Server, Server, Server];
    for (const s of servers) await load(s, WARM_UP);
    const results = new Map(servers.map((s) => [s, { rps: [] as number[], cpuUs: [] as number[] }]));
    for (let r = 0; r < ROUNDS; r++) {
      for (const s of r % 2 ? [...servers].reverse() : servers) {
        const { rps, cpuUs } = await load(s, REQUESTS);
        results.get(s)!.rps.push(rps);
        results.get(s)!.cpuUs.push(cpuUs);
      }
    }
    const rps = (s: Server) => median(results.get(s)!.rps);
    const cpuUs = (s: Server) => median(results.get(s)!.cpuUs);
    const overheadUs = (s: Server) => cpuUs(s) - cpuUs(bare);

    report(
      `Express middleware overhead beside OpenTelemetry: median of ${ROUNDS} interleaved rounds x ${REQUESTS} requests, ${CONCURRENCY} keep-alive connections, loopback (Node ${process.version})\n`,
    );
    report(
      table([
        ["variant", "requests/s", "vs bare", "server CPU us/request", "overhead vs bare us/request"],
        ...servers.map((s) => [
          LABELS[s.variant],
          rps(s).toFixed(0),
          s === bare ? "" : `${((rps(s) / rps(bare) - 1) * 100).toFixed(1)}%`,
          cpuUs(s).toFixed(1),
          s === bare ? "" : `+${overheadUs(s).toFixed(1)}`,
        ]),
      ]),
    );

    const served = WARM_UP + ROUNDS * REQUESTS;
    const [sdkRecorded, otelRecorded] = [await serverStats(sdk), await serverStats(otel)];
    report(
      `\nrecorded for ${served} requests each: SDK ${sdkRecorded.requests} HTTP_REQUEST traces; ` +
        `OpenTelemetry ${otelRecorded.requests} HTTP server spans (${otelRecorded.total} spans in all, with Express's)`,
    );
    const honest = sdkRecorded.requests === served && otelRecorded.requests === served;
    const withinBudget = overheadUs(sdk) <= overheadUs(otel);
    report(
      `budget (SDK middleware overhead no more than OpenTelemetry's, every request recorded by both): ` +
        `+${overheadUs(sdk).toFixed(1)} us vs +${overheadUs(otel).toFixed(1)} us, ` +
        `${honest ? "all recorded" : "NOT ALL RECORDED"}: ${withinBudget && honest ? "PASS" : "FAIL"}`,
    );
    process.exitCode = withinBudget && honest ? 0 : 1;
  } finally {
    for (const s of servers) s.process.disconnect();
  }
}

main().catch(reportFailure);
