import assert from "node:assert/strict";
import type { HostSample } from "@aideon-perf/core";
import { FIRST_SAMPLE_DELAY_MS, HostAgent } from "../src/agent";
import type { Transport } from "../src/http-transport";
import type { Level } from "../src/log";

const sample = (id: string): HostSample => ({
  sample_id: id,
  timestamp: new Date().toISOString(),
  cpu: { percent: 1, count: 2, load_average: [0, 0, 0] },
  memory: { percent: 50, available_bytes: 1, total_bytes: 2 },
  disk: { percent: 10, free_bytes: 9, total_bytes: 10, mounts: [] },
  network: { bytes_sent: 1, bytes_received: 2, sent_per_second: 0, received_per_second: 0 },
  host: { hostname: "h", os: "Linux", platform: "linux", release: "6", arch: "x64", uptime_seconds: 1 },
});

function agentWith(collect: () => Promise<HostSample>, send: Transport) {
  const lines: string[] = [];
  const agent = new HostAgent({
    intervalSeconds: 1,
    bufferSize: 10,
    hostId: "h",
    version: "test",
    collect,
    send,
    log: (level: Level, message: string) => lines.push(`${level} ${message}`),
  });
  return { agent, lines };
}

const stored: Transport = async (body) => ({
  kind: "stored",
  accepted: (JSON.parse(body) as { samples: unknown[] }).samples.length,
  duplicates: 0,
});
const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("agent loop", function () {
  this.timeout(10_000);

  it("skips a sample while the previous one still hangs, instead of piling readings up", async () => {
    let calls = 0;
    const { agent, lines } = agentWith(() => {
      calls++;
      return new Promise<HostSample>(() => {});
    }, stored);
    agent.start();
    await wait(FIRST_SAMPLE_DELAY_MS + 2_300);
    await agent.close("test");
    assert.equal(calls, 1);
    assert.equal(
      lines.filter((l) => l === "warn sample skipped: the previous one is still being taken").length,
      2,
    );
  });

  it("drops a sample holding a non-finite number, counted and reported in the next push", async () => {
    const bodies: { agent: { dropped_samples: number }; samples: { sample_id: string }[] }[] = [];
    let n = 0;
    const { agent, lines } = agentWith(
      async () => {
        const next = sample(`s${n++}`);
        if (n === 1) next.cpu.percent = Number.NaN;
        return next;
      },
      async (body, signal) => {
        bodies.push(JSON.parse(body) as (typeof bodies)[number]);
        return stored(body, signal);
      },
    );
    agent.start();
    await wait(FIRST_SAMPLE_DELAY_MS + 1_300);
    await agent.close("test");
    assert.deepEqual(
      bodies.map((b) => b.samples.map((s) => s.sample_id)),
      [["s1"]],
    );
    assert.equal(bodies[0]?.agent.dropped_samples, 1);
    assert.ok(
      lines.includes(
        "error sample dropped: cpu.percent is not a finite non-negative number (dropped so far: 1)",
      ),
      lines.join("\n"),
    );
  });

  it("close() is memoised and done resolves with exit code 0", async () => {
    const { agent } = agentWith(async () => sample("x"), stored);
    agent.start();
    const first = agent.close("SIGTERM");
    assert.equal(agent.close("SIGINT"), first);
    await first;
    assert.equal(await agent.done, 0);
  });
});
