/**
 * Host metrics on the server: agent keys (wrapped admin callables), the agents' push endpoint (the real
 * handler on a loopback HTTP server) and the reads, against a real Firestore API server.
 */
import assert from "node:assert/strict";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { randomUUID } from "node:crypto";
import type { Timestamp } from "firebase-admin/firestore";
import { bucketKey, CLIENT_TIME_MAX_FUTURE_MS, DAY_MS, type HostSample } from "@aideon-perf/core";
import { clientTimeEdges } from "../../packages/core/test/fixtures/client-time-edges";
import { adminDb, clearFirestore, ensureFirestore } from "../../test/support/firestore";
import { COLLECTIONS } from "../src/firestore";
import { HOST_SERIES_RETENTION_DAYS, hostStore } from "../src/hosts/host-store";
import { ingestHostMetricsHandler } from "../src/hosts/ingest-endpoint";
import { services } from "../src/services";
import * as fns from "../src/index";
import { admin, alice, call, callAs, rejection, withoutBackgroundTriggers } from "./helpers";

function sample(overrides: Partial<HostSample> = {}, at = Date.now()): HostSample {
  return {
    sample_id: randomUUID(),
    timestamp: new Date(at).toISOString(),
    cpu: { percent: 45.2, count: 8, load_average: [1.5, 1.2, 0.9] },
    memory: { percent: 62.8, available_bytes: 2147483648, total_bytes: 8589934592 },
    disk: {
      percent: 78.1,
      free_bytes: 107374182400,
      total_bytes: 536870912000,
      mounts: [{ mount: "/", percent: 78.1, free_bytes: 107374182400, total_bytes: 536870912000 }],
    },
    network: {
      bytes_sent: 1048576000,
      bytes_received: 2097152000,
      sent_per_second: 1000,
      received_per_second: 2000,
    },
    process: { pid: 1234, name: "node", memory_bytes: 134217728, cpu_percent: 12.5 },
    host: {
      hostname: "web-1",
      os: "Debian GNU/Linux 12",
      platform: "linux",
      release: "6.1.0",
      arch: "x64",
      uptime_seconds: 1000,
    },
    ...overrides,
  };
}

const push = (hostId: string, samples: HostSample[]) => ({
  host_id: hostId,
  agent: { version: "0.1.0", dropped_samples: 0, buffered: samples.length },
  samples,
});

describe("host metrics (agent keys, push endpoint, reads)", function () {
  this.timeout(60_000);
  withoutBackgroundTriggers();
  let server: http.Server;
  let url: string;

  before(async () => {
    await ensureFirestore();
    const handle = ingestHostMetricsHandler(() => services().hosts);
    server = http.createServer((req, res) => void handle(req, res));
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  });
  after(() => new Promise<void>((resolve) => server.close(() => resolve())));
  beforeEach(clearFirestore);

  const send = async (
    body: unknown,
    key?: string,
    init: { method?: string; contentType?: string; raw?: string } = {},
  ) => {
    const res = await fetch(url, {
      method: init.method ?? "POST",
      headers: {
        ...(key ? { Authorization: `Bearer ${key}` } : {}),
        "Content-Type": init.contentType ?? "application/json",
      },
      ...(init.method === "GET" ? {} : { body: init.raw ?? JSON.stringify(body) }),
    });
    return {
      status: res.status,
      body: (await res.json()) as Record<string, unknown> & {
        error?: { code: string; field?: string; message: string };
      },
    };
  };
  const newKey = (hostId: string) =>
    call<{ agent_id: string; key: string; host_id: string }>(
      fns.createAgentKey,
      { host_id: hostId, label: "test" },
      admin,
    );

  it("creates a key shown once and stores only its hash", async () => {
    const created = await newKey("web-1");
    assert.match(created.key, /^apk_[A-Za-z0-9]{20}_[A-Za-z0-9_-]{43}$/);
    assert.equal(created.host_id, "web-1");
    const stored = (await adminDb().collection(COLLECTIONS.agentKeys).doc(created.agent_id).get()).data()!;
    assert.ok(
      !JSON.stringify(stored).includes(created.key.split("_").slice(2).join("_")),
      "the secret is not stored",
    );
    assert.match(stored.secret_hash, /^[0-9a-f]{64}$/);
    assert.equal(
      (await rejection(call(fns.createAgentKey, { host_id: "web-1" }, alice))).code,
      "permission-denied",
    );
    const bad = await rejection(call(fns.createAgentKey, { host_id: "no spaces" }, admin));
    assert.deepEqual([bad.code, bad.details?.field], ["invalid-argument", "host_id"]);
  });

  it("stores pushed samples once, however often they are re-sent", async () => {
    const { key } = await newKey("web-1");
    const samples = [sample({}, Date.now() - 60_000), sample({}, Date.now() - 30_000), sample()];
    const first = await send(push("web-1", samples), key);
    assert.deepEqual([first.status, first.body], [200, { success: true, accepted: 3, duplicates: 0 }]);
    const again = await send(push("web-1", [...samples, sample({}, Date.now() + 30_000)]), key);
    assert.deepEqual(again.body, { success: true, accepted: 1, duplicates: 3 });
    const series = await adminDb().collection(COLLECTIONS.hostSeries).get();
    const stored = series.docs.flatMap((d) => Object.keys(d.get("samples")));
    assert.equal(stored.length, 4);
    assert.equal(new Set(stored).size, 4);
    const host = (await adminDb().collection(COLLECTIONS.hosts).doc("web-1").get()).data()!;
    assert.equal(host.interval_seconds, 30, "estimated from the samples' spacing");
  });

  it("stores samples whose ids are names of Object.prototype's members, once", async () => {
    const { key } = await newKey("web-1");
    const at = Date.now() - 1000;
    const samples = ["constructor", "toString", "hasOwnProperty", "valueOf"].map((id, i) =>
      sample({ sample_id: id }, at - i),
    );
    assert.deepEqual((await send(push("web-1", samples), key)).body, {
      success: true,
      accepted: 4,
      duplicates: 0,
    });
    assert.deepEqual((await send(push("web-1", samples), key)).body, {
      success: true,
      accepted: 0,
      duplicates: 4,
    });
    const stored = (await adminDb().collection(COLLECTIONS.hostSeries).get()).docs.flatMap((d) =>
      Object.keys(d.get("samples")),
    );
    assert.deepEqual(stored.sort(), ["constructor", "hasOwnProperty", "toString", "valueOf"]);
  });

  it("answers bad keys, other hosts and bad bodies with JSON errors, writing nothing", async () => {
    const { key, agent_id } = await newKey("web-1");
    const before = (await adminDb().collection(COLLECTIONS.agentKeys).get()).size;
    const cases: Array<[Awaited<ReturnType<typeof send>>, number, string, string?]> = [
      [await send(push("web-1", [sample()])), 401, "unauthenticated"],
      [await send(push("web-1", [sample()]), "apk_wrong"), 401, "unauthenticated"],
      [
        await send(push("web-1", [sample()]), key.slice(0, -1) + (key.endsWith("A") ? "B" : "A")),
        401,
        "unauthenticated",
      ],
      [await send(push("web-2", [sample()]), key), 403, "permission-denied"],
      [await send({ ...push("web-1", [sample()]), extra: 1 }, key), 400, "invalid-argument", "extra"],
      [
        await send(
          push("web-1", [sample({ cpu: { percent: 101, count: 8, load_average: [0, 0, 0] } })]),
          key,
        ),
        400,
        "invalid-argument",
        "samples[0].cpu.percent",
      ],
      [await send(null, key, { raw: "{not json" }), 400, "invalid-argument", "(root)"],
      [
        await send(null, key, { raw: "a=b", contentType: "application/x-www-form-urlencoded" }),
        415,
        "unsupported-media-type",
      ],
      [await send(null, key, { method: "GET" }), 405, "method-not-allowed"],
    ];
    for (const [res, status, code, field] of cases) {
      assert.equal(res.status, status, JSON.stringify(res.body));
      assert.equal(res.body.success, false);
      assert.equal(res.body.error?.code, code);
      if (field) assert.equal(res.body.error?.field, field);
    }
    assert.equal((await adminDb().collection(COLLECTIONS.hosts).get()).size, 0);
    assert.equal((await adminDb().collection(COLLECTIONS.hostSeries).get()).size, 0);
    assert.equal((await adminDb().collection(COLLECTIONS.agentKeys).get()).size, before);

    await call(fns.revokeAgentKey, { agent_id }, admin);
    const revoked = await send(push("web-1", [sample()]), key);
    assert.deepEqual(
      [revoked.status, revoked.body.error?.message],
      [401, "Agent key rejected (revoked or wrong)."],
    );
    assert.equal(
      (await rejection(call(fns.revokeAgentKey, { agent_id: "A".repeat(20) }, admin))).code,
      "not-found",
    );
  });

  it("serves the contract's system-metrics shape per host, for all hosts, and in getStats", async () => {
    const web1 = await newKey("web-1");
    const web2 = await newKey("web-2");
    await send(
      push("web-1", [
        sample({}, Date.now() - 30_000),
        sample({ cpu: { percent: 40, count: 8, load_average: [1, 1, 1] } }),
      ]),
      web1.key,
    );
    await send(
      push("web-2", [
        sample({ cpu: { percent: 80, count: 4, load_average: [2, 2, 2] }, process: undefined }),
      ]),
      web2.key,
    );

    const one = await callAs<{
      metrics: Record<string, unknown> & { cpu: { percent: number; count: number } };
      series: unknown[];
      host_id: string;
    }>(fns.getSystemMetrics, { host: "web-1", series: "hour" }, admin);
    assert.equal(one.host_id, "web-1");
    assert.deepEqual(Object.keys(one.metrics).sort(), [
      "cpu",
      "disk",
      "host",
      "memory",
      "network",
      "process",
      "timestamp",
    ]);
    assert.deepEqual([one.metrics.cpu.percent, one.metrics.cpu.count], [40, 8]);
    assert.equal(one.series.length, 2);

    const all = await callAs<{ hosts: Record<string, { metrics: { cpu: { percent: number } } }> }>(
      fns.getSystemMetrics,
      {},
      admin,
    );
    assert.deepEqual(Object.keys(all.hosts).sort(), ["web-1", "web-2"]);
    assert.equal(all.hosts["web-2"]?.metrics.cpu.percent, 80);
    assert.equal((await rejection(call(fns.getSystemMetrics, { host: "nope" }, admin))).code, "not-found");
    assert.equal(
      (await rejection(call(fns.getSystemMetrics, { series: "hour" }, admin))).details?.field,
      "host",
    );

    const stats = await call(fns.getStats, {}, admin);
    assert.deepEqual(stats.stats.system_metrics.cpu, { percent: 60 });
    assert.equal(stats.stats.system_metrics.hosts, 2);
  });

  describe("sample timestamps on the server's clock", () => {
    const SERVER_MS = Date.parse("2026-12-02T12:00:00.000Z");
    const seriesDocs = async () => (await adminDb().collection(COLLECTIONS.hostSeries).get()).docs;
    const hostDoc = async () => (await adminDb().collection(COLLECTIONS.hosts).doc("web-1").get()).data()!;

    for (const [label, clientMs, storedMs] of clientTimeEdges(SERVER_MS)) {
      const clamped = clientMs !== storedMs;
      it(`${clamped ? "clamps and counts" : "keeps"} a sample ${label}`, async () => {
        await hostStore(adminDb()).record("agent-1", push("web-1", [sample({}, clientMs)]), SERVER_MS);
        const [doc] = await seriesDocs();
        assert.equal(
          doc!.id,
          `web-1_${bucketKey("hour", storedMs)}`,
          "the hour is chosen from the clamped time",
        );
        const [point] = Object.values(doc!.get("samples") as Record<string, { timestamp: string }>);
        assert.equal(point!.timestamp, new Date(storedMs).toISOString());
        assert.equal(
          (doc!.get("expire_at") as Timestamp).toMillis(),
          SERVER_MS + HOST_SERIES_RETENTION_DAYS * DAY_MS,
        );
        const host = await hostDoc();
        assert.equal((host.latest.timestamp as Timestamp).toMillis(), storedMs);
        assert.deepEqual([host.clamped_samples, host.clamped_by_ms], [clamped ? 1 : 0, clientMs - storedMs]);
      });
    }

    it("expires a far-future agent's series at receive time + retention and counts a re-sent sample once", async () => {
      const { key } = await newKey("web-1");
      const future = sample({}, Date.parse("2099-12-31T23:59:59Z"));
      const before = Date.now();
      await send(push("web-1", [future]), key);
      const after = Date.now();
      assert.deepEqual((await send(push("web-1", [future]), key)).body, {
        success: true,
        accepted: 0,
        duplicates: 1,
      });
      const [doc] = await seriesDocs();
      const expireMs = (doc!.get("expire_at") as Timestamp).toMillis() - HOST_SERIES_RETENTION_DAYS * DAY_MS;
      assert.ok(expireMs >= before && expireMs <= Date.now(), "from the server's receive time");
      const pointMs = Date.parse(
        Object.values(doc!.get("samples") as Record<string, { timestamp: string }>)[0]!.timestamp,
      );
      assert.ok(
        pointMs >= before + CLIENT_TIME_MAX_FUTURE_MS && pointMs <= after + CLIENT_TIME_MAX_FUTURE_MS,
      );
      assert.equal((await hostDoc()).clamped_samples, 1);
    });
  });
});
