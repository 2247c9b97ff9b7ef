/**
 * The real agent process against the real functions: an admin creates an agent key with the client
 * SDK, the built `aideon-perf-agent` pushes this machine's metrics to `ingestHostMetrics`, and the
 * admin reads them back with getSystemMetrics. Then the Functions emulator the agent talks to is
 * stopped for 20 s and started again: every sample taken meanwhile arrives, each stored once.
 *
 * That emulator is a second one (test/support/standalone-functions.ts) on ports of its own, using the
 * same Firestore, so the test can stop it without stopping `npm test`'s own emulators.
 */
import assert from "node:assert/strict";
import { spawn, type ChildProcess } from "node:child_process";
import os from "node:os";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { adminDb, clearFirestore } from "../support/firestore";
import { requireEmulators } from "../support/emulators";
import { adminClient, type Client } from "../support/client";
import type { EmulatorProcess } from "../support/emulator-process";
import { startStandaloneFunctions, standaloneFunctionUrl } from "../support/standalone-functions";
import { waitFor } from "../support/wait";

const AGENT_BIN = path.resolve(__dirname, "../../packages/agent/bin/aideon-perf-agent.js");
const HOST_ID = "e2e-agent-host";
const OUTAGE_MS = 20_000;
const INTERVAL_SECONDS = 1;

interface SystemMetrics {
  metrics: { cpu: { count: number; percent: number }; memory: { total_bytes: number } };
}

describe("host agent end to end (real agent process -> ingestHostMetrics -> getSystemMetrics)", function () {
  this.timeout(240_000);
  let admin: Client;
  let functions: EmulatorProcess | undefined;
  let agent: ChildProcess | undefined;
  let agentLog = "";

  before(async function () {
    const emulators = await requireEmulators(this, "functions", "auth");
    await clearFirestore();
    admin = await adminClient(emulators);
    functions = await startStandaloneFunctions(process.env.FIRESTORE_EMULATOR_HOST!);
  });
  after(async () => {
    agent?.kill("SIGKILL");
    await functions?.stop();
    await admin?.close();
  });

  const storedSamples = async () => {
    const docs = (await adminDb().collection("perf_host_series").where("host_id", "==", HOST_ID).get()).docs;
    return docs.flatMap((d) => Object.entries(d.get("samples") as Record<string, { timestamp: string }>));
  };

  it("shows this machine's cores and memory, and loses no sample across a 20 s outage", async () => {
    const { key } = await admin.call<{ key: string }>("createAgentKey", { host_id: HOST_ID, label: "e2e" });
    agent = spawn(
      process.execPath,
      [
        AGENT_BIN,
        "--endpoint",
        standaloneFunctionUrl("ingestHostMetrics"),
        "--key",
        key,
        "--host-id",
        HOST_ID,
        "--interval",
        String(INTERVAL_SECONDS),
      ],
      { env: { ...process.env, AIDEON_AGENT_ALLOW_FAST: "1" }, stdio: ["ignore", "pipe", "pipe"] },
    );
    agent.stdout?.on("data", (c: Buffer) => (agentLog += c.toString()));
    agent.stderr?.on("data", (c: Buffer) => (agentLog += c.toString()));

    const reported = await waitFor(
      () => admin.call<SystemMetrics>("getSystemMetrics", { host: HOST_ID }).catch(() => undefined),
      (r) => r !== undefined,
      60_000,
    );
    assert.ok(reported, `the agent's samples never arrived:\n${agentLog}`);
    assert.equal(reported.metrics.cpu.count, os.cpus().length);
    assert.equal(reported.metrics.memory.total_bytes, os.totalmem());
    assert.ok(reported.metrics.cpu.percent >= 0 && reported.metrics.cpu.percent <= 100);

    await functions!.stop();
    const outageStarted = Date.now();
    await sleep(OUTAGE_MS);
    functions = await startStandaloneFunctions(process.env.FIRESTORE_EMULATOR_HOST!);
    const outageEnded = Date.now();

    // Once samples taken after the restart are stored, the backlog has been pushed before them.
    await waitFor(
      storedSamples,
      (s) => s.some(([, p]) => Date.parse(p.timestamp) > outageEnded + 2_000),
      90_000,
    );
    agent.kill("SIGTERM");
    const code = await new Promise<number | null>((resolve) => agent!.once("exit", (c) => resolve(c)));
    assert.equal(code, 0, agentLog);

    const samples = await storedSamples();
    const times = samples.map(([, p]) => Date.parse(p.timestamp)).sort((a, b) => a - b);
    assert.equal(new Set(samples.map(([id]) => id)).size, samples.length, "each sample stored once");
    assert.ok(
      times.filter((t) => t > outageStarted && t < outageEnded).length >=
        (OUTAGE_MS / 1000 / INTERVAL_SECONDS) * 0.8,
      "samples taken during the outage arrived",
    );
    const gaps = times.slice(1).map((t, i) => t - times[i]!);
    assert.ok(
      Math.max(...gaps) < 2_500,
      `no gap in the series (largest ${Math.max(...gaps)} ms):\n${agentLog}`,
    );
    const host = (await adminDb().collection("perf_hosts").doc(HOST_ID).get()).data();
    assert.equal(host?.agent.dropped_samples, 0);
  });
});
