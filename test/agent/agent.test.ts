/**
 * The built agent CLI, spawned as a real process, pushing to a real HTTP receiver on 127.0.0.1 that
 * validates every body with the core schema. Intervals of 1 s use the test knob AIDEON_AGENT_ALLOW_FAST=1.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import os from "node:os";
import { hostMetricsPushRequestSchema, parseRequest } from "@aideon-perf/core";
import { FLUSH_BOUND_MS } from "../../packages/agent/src/agent";
import { AGENT_DIR, buildAgent, spawnAgent, waitFor, type AgentProcess } from "./agent-process";
import { Receiver } from "./receiver";

const KEY = "ak_test_9f86d081884c7d659a2feaa0c55ad015";
const FAST = { AIDEON_AGENT_ALLOW_FAST: "1" };
const VERSION = (JSON.parse(readFileSync(`${AGENT_DIR}/package.json`, "utf8")) as { version: string })
  .version;

describe("agent process (built CLI) against a local receiver", function () {
  this.timeout(60_000);
  let receiver: Receiver;
  const agents: AgentProcess[] = [];

  const start = (args: string[], env: Record<string, string> = FAST) => {
    const agent = spawnAgent(["--endpoint", receiver.url, "--key", KEY, ...args], env);
    agents.push(agent);
    return agent;
  };
  const logs = (agent: AgentProcess) => () => `stderr:\n${agent.stderr()}\nstdout:\n${agent.stdout()}`;
  const waitStored = (agent: AgentProcess, count: number, timeoutMs = 15_000) =>
    waitFor(`${count} stored samples`, () => receiver.stored.size >= count, timeoutMs, logs(agent));
  /** Sorted sample times in ms. At a 1 s interval one lost sample leaves a gap of about 2 s. */
  const storedTimes = () =>
    [...receiver.stored.values()].map((s) => Date.parse(s.timestamp)).sort((a, b) => a - b);
  const assertNoGaps = (maxGapMs: number) => {
    const times = storedTimes();
    for (let i = 1; i < times.length; i++) {
      const gap = (times[i] as number) - (times[i - 1] as number);
      assert.ok(
        gap <= maxGapMs,
        `a ${gap} ms gap between stored samples ${i - 1} and ${i}: samples were lost`,
      );
    }
  };
  const assertKeyNeverShown = (agent: AgentProcess) => {
    assert.ok(
      !agent.stderr().includes(KEY) && !agent.stdout().includes(KEY),
      "the key appears in the output",
    );
  };

  before(() => buildAgent());

  beforeEach(async () => {
    receiver = new Receiver(KEY);
    await receiver.start();
  });

  afterEach(async () => {
    for (const agent of agents.splice(0)) {
      if (agent.child.exitCode === null && agent.child.signalCode === null) agent.child.kill("SIGKILL");
      await agent.exited;
    }
    await receiver.stop();
  });

  it("pushes a sample every interval, each valid by the core schema and holding this machine's numbers", async () => {
    const agent = start(["--interval", "1"]);
    await waitStored(agent, 4);
    agent.child.kill("SIGTERM");
    assert.equal((await agent.exited).code, 0, logs(agent)());

    for (const request of receiver.requests) {
      assert.equal(request.status, 200);
      assert.equal(request.authorization, `Bearer ${KEY}`);
      assert.equal(request.contentType, "application/json");
      assert.equal(request.body?.host_id, os.hostname());
      assert.deepEqual(request.body?.agent, {
        version: VERSION,
        dropped_samples: 0,
        buffered: request.body?.samples.length,
      });
    }
    const samples = [...receiver.stored.values()];
    for (const sample of samples) {
      assert.equal(sample.cpu.count, os.cpus().length);
      assert.equal(sample.memory.total_bytes, os.totalmem());
      assert.equal(sample.host.hostname, os.hostname());
      assert.equal(sample.host.platform, process.platform);
      assert.equal(sample.host.arch, os.arch());
      assert.equal(sample.host.release, os.release());
      assert.ok(sample.disk.total_bytes > 0 && sample.disk.mounts.length > 0);
      assert.equal(sample.process, undefined);
    }
    const times = storedTimes();
    for (let i = 1; i < times.length; i++) {
      const gap = (times[i] as number) - (times[i - 1] as number);
      assert.ok(gap >= 600 && gap <= 1_800, `samples ${gap} ms apart at a 1 s interval`);
    }
    assert.match(agent.stderr(), /started aideon-perf-agent .* interval=1s/);
    assert.match(agent.stderr(), /pushed 1 sample: accepted 1, duplicates 0/);
    assertKeyNeverShown(agent);
  });

  it("--process watches a process by pid: its name, RSS and CPU", async () => {
    const agent = start(["--interval", "1", "--process", String(process.pid)]);
    await waitStored(agent, 2);
    const watched = [...receiver.stored.values()].at(-1)?.process;
    assert.ok(watched, "no process in the sample");
    assert.equal(watched.pid, process.pid);
    assert.equal(watched.name, readFileSync(`/proc/${process.pid}/comm`, "utf8").trim());
    const rss = process.memoryUsage.rss();
    assert.ok(Math.abs(watched.memory_bytes - rss) < rss / 2, `${watched.memory_bytes} vs ${rss}`);
    assert.ok(watched.cpu_percent >= 0 && watched.cpu_percent <= 100 * os.cpus().length);
    assert.ok(
      agent.stderr().includes(`watching process ${watched.name} (pid ${process.pid})`),
      logs(agent)(),
    );
  });

  it("receiver down, then losing answers, then up: every sample arrives, stored once, re-sent with the same ids", async () => {
    const agent = start(["--interval", "1"]);
    await waitStored(agent, 2);
    await receiver.stop();
    await new Promise((r) => setTimeout(r, 3_000));
    // Back, but the answers are lost after storing: the agent must retry, and the retries are duplicates.
    receiver.mode = "store-then-fail";
    await receiver.start();
    await waitFor(
      "two lost answers",
      () => receiver.requests.filter((r) => r.status === 503).length >= 2,
      15_000,
      logs(agent),
    );
    receiver.mode = "up";
    const outageEnd = Date.now();
    await waitFor(
      "the backlog flushed",
      () =>
        receiver.requests.some(
          (r) =>
            r.atMs > outageEnd &&
            r.status === 200 &&
            r.body !== undefined &&
            r.body.agent.buffered === r.body.samples.length,
        ),
      15_000,
      logs(agent),
    );
    await waitFor("one more sample", () => storedTimes().at(-1)! > outageEnd, 5_000, logs(agent));
    agent.child.kill("SIGTERM");
    assert.equal((await agent.exited).code, 0, logs(agent)());

    assertNoGaps(1_800);
    // Every id the agent sent is stored once (the receiver keys by sample_id) ...
    const sent = receiver.sentIds();
    assert.deepEqual(new Set(sent), new Set(receiver.stored.keys()));
    // ... and the samples whose answers were lost were sent again with the same ids, and found duplicate.
    const lost = new Set(
      receiver.requests
        .filter((r) => r.status === 503)
        .flatMap((r) => r.body?.samples.map((s) => s.sample_id) ?? []),
    );
    const resent = receiver.requests.filter(
      (r) => r.status === 200 && r.body?.samples.some((s) => lost.has(s.sample_id)),
    );
    assert.ok(lost.size > 0 && resent.length > 0, "no lost sample was re-sent");
    assert.ok(sent.length > receiver.stored.size, "nothing was sent twice");
    assert.match(
      agent.stderr(),
      /push failed \(.*ECONNREFUSED.*\); retrying in \d+\.\d s with the same samples/,
    );
    assert.match(agent.stderr(), /push failed \(HTTP 503: unavailable: stored, but the answer is lost\)/);
    assert.match(agent.stderr(), /accepted \d+, duplicates [1-9]/);
    assertKeyNeverShown(agent);
  });

  it("401: stops with exit code 2 and says the key was rejected", async () => {
    receiver.key = "another-key";
    const agent = start(["--interval", "1"]);
    const exit = await agent.exited;
    assert.equal(exit.code, 2, logs(agent)());
    assert.match(
      agent.stderr(),
      /error agent key rejected \(revoked or wrong\) \(HTTP 401: unauthenticated: unknown or revoked agent key\); stopping with exit code 2/,
    );
    assert.equal(receiver.requests.length, 1, "the rejected key was tried again");
    assertKeyNeverShown(agent);
  });

  it("403: stops with exit code 2, key not allowed", async () => {
    receiver.mode = { status: 403 };
    const agent = start(["--interval", "1"]);
    assert.equal((await agent.exited).code, 2, logs(agent)());
    assert.match(agent.stderr(), /agent key not allowed to push host metrics \(HTTP 403/);
  });

  it("400: drops the batch, counts it, reports the count to the server and carries on", async () => {
    receiver.mode = { status: 400 };
    const agent = start(["--interval", "1"]);
    await waitFor("a refused push", () => receiver.requests.length >= 1, 10_000, logs(agent));
    receiver.mode = "up";
    await waitStored(agent, 2);
    const later = receiver.requests.filter((r) => r.status === 200);
    assert.ok(
      later.every((r) => (r.body?.agent.dropped_samples ?? 0) >= 1),
      "dropped_samples does not count the refused batch",
    );
    assert.match(
      agent.stderr(),
      /push rejected \(HTTP 400: test: receiver answers 400\): dropped 1 sample, not retried \(dropped so far: 1\)/,
    );
  });

  it("429 and 5xx: retried with backoff, honouring Retry-After", async () => {
    receiver.mode = { status: 429, retryAfter: "1" };
    const agent = start(["--interval", "1"]);
    await waitFor("two throttled pushes", () => receiver.requests.length >= 2, 10_000, logs(agent));
    const [first, second] = receiver.requests;
    assert.ok((second?.atMs ?? 0) - (first?.atMs ?? 0) >= 950, "Retry-After: 1 was not honoured");
    receiver.mode = { status: 503 };
    await waitFor("a 503", () => receiver.requests.some((r) => r.status === 503), 10_000, logs(agent));
    receiver.mode = "up";
    await waitStored(agent, 3);
    assertNoGaps(1_800);
    assert.match(
      agent.stderr(),
      /push failed \(HTTP 429: test: receiver answers 429\); retrying in [1-9]\.\d s/,
    );
  });

  it("SIGTERM: sends what is buffered at once and exits 0", async () => {
    const agent = start(["--interval", "1"]);
    await waitStored(agent, 1);
    receiver.mode = { status: 503 };
    await waitFor(
      "two samples held back",
      () => /with the same samples; ([2-9]|\d{2,}) buffered/.test(agent.stderr()),
      15_000,
      logs(agent),
    );
    receiver.mode = "up";
    const signalled = Date.now();
    agent.child.kill("SIGTERM");
    const exit = await agent.exited;
    assert.equal(exit.code, 0, logs(agent)());
    assert.ok(exit.atMs - signalled < 3_000, `exited ${exit.atMs - signalled} ms after SIGTERM`);
    assert.match(agent.stderr(), /SIGTERM: stopping; sending [2-9]\d* buffered samples within 5 s/);
    assert.doesNotMatch(agent.stderr(), /not sent/);
    assertNoGaps(1_800);
  });

  it(`SIGTERM with a server that never answers: exits within the ${FLUSH_BOUND_MS / 1_000} s bound`, async () => {
    const agent = start(["--interval", "1", "--timeout", "60"]);
    await waitStored(agent, 1);
    receiver.mode = "hang";
    const hanging = receiver.requests.length + 1;
    await waitFor("a push left hanging", () => receiver.requests.length >= hanging, 10_000, logs(agent));
    const signalled = Date.now();
    agent.child.kill("SIGTERM");
    const exit = await agent.exited;
    assert.equal(exit.code, 0, logs(agent)());
    assert.ok(
      exit.atMs - signalled < FLUSH_BOUND_MS + 1_500,
      `exited ${exit.atMs - signalled} ms after SIGTERM`,
    );
    assert.match(agent.stderr(), /\d+ samples? not sent, lost on exit/);
  });

  describe("--once", () => {
    it("pushes one sample and exits 0", async () => {
      const agent = start(["--once"], {});
      assert.equal((await agent.exited).code, 0, logs(agent)());
      assert.equal(receiver.requests.length, 1);
      assert.equal(receiver.requests[0]?.body?.samples.length, 1);
      assert.equal(receiver.stored.size, 1);
    });

    it("exits 2 when the key is rejected and 1 when the server cannot be reached", async () => {
      receiver.mode = { status: 401 };
      const rejected = start(["--once"], {});
      assert.equal((await rejected.exited).code, 2, logs(rejected)());
      await receiver.stop();
      const unreachable = start(["--once", "--timeout", "2"], {});
      assert.equal((await unreachable.exited).code, 1, logs(unreachable)());
      assert.match(unreachable.stderr(), /push failed: .*ECONNREFUSED/);
    });
  });

  it("--dry-run prints the request with the key redacted and sends nothing", async () => {
    const agent = start(["--once", "--dry-run"], {});
    assert.equal((await agent.exited).code, 0, logs(agent)());
    assert.equal(receiver.requests.length, 0, "a dry run sent a request");
    const lines = agent.stdout().trim().split("\n");
    assert.equal(lines.length, 1);
    const printed = JSON.parse(lines[0] as string) as {
      dry_run: boolean;
      endpoint: string;
      headers: Record<string, string>;
      body: unknown;
    };
    assert.equal(printed.dry_run, true);
    assert.equal(printed.endpoint, receiver.url);
    assert.deepEqual(printed.headers, {
      Authorization: "Bearer [redacted]",
      "Content-Type": "application/json",
    });
    const body = parseRequest(hostMetricsPushRequestSchema, printed.body);
    assert.equal(body.samples[0]?.cpu.count, os.cpus().length);
    assert.equal(body.samples[0]?.memory.total_bytes, os.totalmem());
    assertKeyNeverShown(agent);
  });

  it("invalid options: exit 64 with a message naming the option; --help documents precedence", async () => {
    const tooFast = start(["--interval", "1"], {});
    assert.equal((await tooFast.exited).code, 64);
    assert.equal(
      tooFast.stderr(),
      'aideon-perf-agent: --interval: must be a whole number from 5 to 3600, not "1"\n',
    );
    const help = spawnAgent(["--help"]);
    assert.equal((await help.exited).code, 0);
    assert.match(help.stdout(), /precedence: flags > environment > config file > defaults/);
    assert.match(help.stdout(), /PERFORMANCE_MONITORING_INTERVAL/);
  });
});
