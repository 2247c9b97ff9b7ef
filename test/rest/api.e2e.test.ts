/**
 * End to end through Firebase Hosting: curl-style requests to the Hosting emulator, whose rewrite of
 * /api/** proxies them to the `api` function in the Functions emulator, against the stack's Firestore
 * (triggers fired by the relay where the official emulator is absent), with real ID tokens from the
 * Auth emulator. This is the path a deployed project serves.
 */
import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import {
  addMetricResponseSchema,
  benchmarkResponseSchema,
  METRIC_TYPES,
  metricTypesResponseSchema,
  PERFORMANCE_THRESHOLDS,
  recordTracesResponseSchema,
  slowOperationsResponseSchema,
  startTraceResponseSchema,
  statsResponseSchema,
  stopTraceResponseSchema,
  thresholdsResponseSchema,
  traceSummaryResponseSchema,
  systemMetricsResponseSchema,
  healthResponseSchema,
} from "@aideon-perf/core";
import type { z } from "zod";
import { exactQuantile, relativeError, sortedCopy } from "../../packages/core/test/fixtures/random";
import { adminDb, clearFirestore } from "../support/firestore";
import { requireEmulators, type RunningEmulators } from "../support/emulators";
import { adminClient, type Client } from "../support/client";
import { waitFor } from "../support/wait";
import { apiConfigFromEnv } from "../../functions/src/rest/config";
import { SOURCE_API_EXAMPLES } from "./fixtures/source-api-examples";
import { adminUser, anonymousUser, type TokenUser } from "./support/auth-emulator";
import { malformedBodies } from "./support/fuzz";
import { assertJsonError, send, type Answer, type SendOptions } from "./support/http";
import { assertSameShape, parseHttpExample } from "./support/source-examples";
import { restWrittenDocuments } from "./support/world";

const PREFIX = "/api/v1/performance/";
const HOST_ID = "source-example-host";

/** The contract's system-metrics example as one agent sample, pushed with a key an admin created. */
async function pushHostSample(adminIdToken: string): Promise<void> {
  const functionsUrl = (name: string) =>
    `http://127.0.0.1:5001/${process.env.GCLOUD_PROJECT ?? "demo-aideon-perf"}/us-central1/${name}`;
  const created = await fetch(functionsUrl("createAgentKey"), {
    method: "POST",
    headers: { Authorization: `Bearer ${adminIdToken}`, "Content-Type": "application/json" },
    body: JSON.stringify({ data: { host_id: HOST_ID } }),
  });
  const { result } = (await created.json()) as { result: { key: string } };
  const sample = {
    sample_id: "source-example-sample",
    timestamp: new Date().toISOString(),
    cpu: { percent: 45.2, count: 8, load_average: [1.5, 1.2, 0.9] },
    memory: { percent: 62.8, available_bytes: 2147483648, total_bytes: 8589934592 },
    disk: { percent: 78.1, free_bytes: 107374182400, total_bytes: 536870912000, mounts: [] },
    network: {
      bytes_sent: 1048576000,
      bytes_received: 2097152000,
      sent_per_second: 0,
      received_per_second: 0,
    },
    process: { pid: 4242, name: "api-server", memory_bytes: 134217728, cpu_percent: 12.5 },
    host: {
      hostname: HOST_ID,
      os: "Debian GNU/Linux 12",
      platform: "linux",
      release: "6.1.0",
      arch: "x64",
      uptime_seconds: 3600,
    },
  };
  const pushed = await fetch(functionsUrl("ingestHostMetrics"), {
    method: "POST",
    headers: { Authorization: `Bearer ${result.key}`, "Content-Type": "application/json" },
    body: JSON.stringify({
      host_id: HOST_ID,
      agent: { version: "test", dropped_samples: 0, buffered: 1 },
      samples: [sample],
    }),
  });
  assert.equal(pushed.status, 200, await pushed.text());
}
const PLACEHOLDER_TRACE_ID = "uuid-trace-id";
/** Every endpoint of the contract, each of which the OpenAPI document must describe. */
const SOURCE_ENDPOINTS = [
  "start-trace",
  "stop-trace",
  "add-metric",
  "stats",
  "trace-summary",
  "slow-operations",
  "system-metrics",
  "health",
  "metric-types",
  "thresholds",
  "benchmark",
];

/** The API's configuration as the Functions emulator loads it: functions/.env, .env.<project>, .env.local. */
function emulatorApiConfig() {
  const env: Record<string, string> = {};
  for (const file of [".env", `.env.${process.env.GCLOUD_PROJECT ?? "demo-aideon-perf"}`, ".env.local"]) {
    const full = path.join(__dirname, "../../functions", file);
    if (!existsSync(full)) continue;
    for (const line of readFileSync(full, "utf8").split("\n")) {
      const match = /^\s*([A-Z_][A-Z0-9_]*)=(.*)$/.exec(line);
      if (match) env[match[1]!] = match[2]!.trim();
    }
  }
  return apiConfigFromEnv(env);
}

function ok<S extends z.ZodType>(answer: Answer, schema: S, label = ""): z.output<S> {
  assert.equal(answer.status, 200, `${label} HTTP ${answer.status}: ${answer.text.slice(0, 400)}`);
  assert.match(answer.headers.get("content-type") ?? "", /^application\/json/, label);
  return schema.parse(answer.json);
}

describe("REST API end to end (Hosting emulator -> api function -> Firestore)", function () {
  this.timeout(180_000);
  let emulators: RunningEmulators;
  let hosting: string;
  let alice: TokenUser;
  let bob: TokenUser;
  let admin: TokenUser;
  const call = (method: string, target: string, options: SendOptions = {}) =>
    send(hosting, method, target, options);

  before(async function () {
    emulators = await requireEmulators(this, "hosting", "functions", "auth");
    hosting = `http://${emulators.hosting!.host}:${emulators.hosting!.port}`;
    [alice, bob, admin] = await Promise.all([
      anonymousUser(emulators.auth!),
      anonymousUser(emulators.auth!),
      adminUser(emulators.auth!),
    ]);
  });
  beforeEach(clearFirestore);

  it("answers every request the contract prints, sent verbatim, with every field of the contract's responses", async () => {
    const sent = new Set<string>();
    /** Sends a source example as printed: its method, path and query, headers and body. */
    const sendExample = (title: string, token: string, traceId?: string) => {
      const example = SOURCE_API_EXAMPLES.find((e) => e.title === title)!;
      const http = parseHttpExample(example.request);
      sent.add(title);
      const body = traceId === undefined ? http.body : http.body?.replaceAll(PLACEHOLDER_TRACE_ID, traceId);
      return { example, answer: call(http.method, http.target, { token, headers: http.headers, body }) };
    };
    const responseOf = (title: string, i = 0) =>
      JSON.parse(SOURCE_API_EXAMPLES.find((e) => e.title === title)!.responses[i]!) as unknown;

    // Trace management: start, add a metric, stop (the contract's bodies; only its placeholder trace id is replaced).
    const startedAt = Date.now();
    const started = ok(
      await sendExample("Start Custom Trace", alice.idToken).answer,
      startTraceResponseSchema,
      "start",
    );
    assertSameShape(responseOf("Start Custom Trace"), started);
    assert.equal(started.message, "Trace started successfully");
    assert.notEqual(started.trace_id, PLACEHOLDER_TRACE_ID);
    const stored = (await adminDb().collection("perf_traces").doc(started.trace_id).get()).data();
    assert.equal(stored?.owner_uid, alice.uid);
    assert.equal(stored?.name, "custom_operation");
    assert.equal(stored?.trace_type, "CUSTOM_TRACE");
    assert.equal(stored?.status, "active");

    const metric = ok(
      await sendExample("Add Custom Metric", alice.idToken, started.trace_id).answer,
      addMetricResponseSchema,
      "add-metric",
    );
    assert.deepEqual(metric, {
      success: true,
      trace_id: started.trace_id,
      metric_name: "processing_rate",
      value: 150.5,
    });

    await sleep(100);
    const stopped = ok(
      await sendExample("Stop Custom Trace", alice.idToken, started.trace_id).answer,
      stopTraceResponseSchema,
      "stop",
    );
    assertSameShape(responseOf("Stop Custom Trace"), stopped);
    assert.equal(stopped.trace_id, started.trace_id);
    assert.equal(stopped.message, "Trace stopped successfully");
    assert.ok(
      stopped.duration >= 0.1 && stopped.duration <= (Date.now() - startedAt) / 1000,
      `duration ${stopped.duration}`,
    );
    const finished = (await adminDb().collection("perf_traces").doc(started.trace_id).get()).data();
    assert.equal(finished?.status, "finished");
    assert.deepEqual(finished?.metrics, { processing_rate: 150.5 });
    assert.deepEqual(finished?.attributes, {
      operation_type: "data_processing",
      user_id: "user_123",
      result_status: "success",
      items_processed: 100,
    });

    // Data for the analytics examples: the three types the contract shows, one slow operation like its example.
    const now = Date.now();
    const recorded = [
      ...[0.12, 0.4, 0.9, 1.2, 1.6, 2.2, 3.1, 8.5].map((d, i) => ({
        name: d === 8.5 ? "POST /api/generate" : "GET /api/items",
        trace_type: "HTTP_REQUEST",
        duration: d,
        attributes:
          d === 8.5
            ? { method: "POST", endpoint: "/api/generate" }
            : { method: "GET", endpoint: "/api/items", i },
      })),
      ...[0.05, 0.3, 0.55].map((d) => ({ name: "SELECT users", trace_type: "DATABASE_QUERY", duration: d })),
      ...[6, 11].map((d) => ({ name: "video_generation", trace_type: "AI_GENERATION", duration: d })),
    ].map((t, i) => ({ ...t, start_time: new Date(now - 60_000 + i * 1000).toISOString() }));
    ok(
      await call("POST", `${PREFIX}record-traces`, {
        token: alice.idToken,
        body: { batch_id: "source-examples", traces: recorded },
      }),
      recordTracesResponseSchema,
    );
    const byType = (type: string) => recorded.filter((t) => t.trace_type === type).map((t) => t.duration);
    const total = recorded.length + 1; // and the stopped CUSTOM_TRACE

    // One host reporting, as the agent would push it, so that system_metrics and system-metrics have numbers.
    await pushHostSample(admin.idToken);

    const stats = await waitFor(
      async () =>
        ok(
          await sendExample("Get Performance Statistics", admin.idToken).answer,
          statsResponseSchema,
          "stats",
        ),
      (s) => s.stats.total_traces >= total,
      30_000,
    );
    assertSameShape(responseOf("Get Performance Statistics"), stats);
    assert.deepEqual(stats.stats.system_metrics, {
      cpu: { percent: 45.2 },
      memory: { percent: 62.8 },
      disk: { percent: 78.1 },
      hosts: 1,
    });
    assert.equal(stats.stats.total_traces, total);
    assert.deepEqual(stats.stats.traces_by_type, {
      HTTP_REQUEST: 8,
      DATABASE_QUERY: 3,
      AI_GENERATION: 2,
      CUSTOM_TRACE: 1,
    });
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    for (const type of ["HTTP_REQUEST", "DATABASE_QUERY", "AI_GENERATION"] as const) {
      assert.ok(Math.abs(stats.stats.average_durations[type]! - mean(byType(type))) < 1e-9, type);
    }
    assert.equal(stats.stats.average_durations.CUSTOM_TRACE, stopped.duration);
    assert.equal(stats.stats.active_traces, 0);
    assert.equal(stats.stats.slow_operations_count, 1, "8.5 s against HTTP's poor threshold of 5 s");

    const summary = ok(
      await sendExample("Get Trace Summary", admin.idToken).answer,
      traceSummaryResponseSchema,
      "trace-summary",
    );
    assertSameShape(responseOf("Get Trace Summary"), summary);
    assert.equal(summary.trace_type, "HTTP_REQUEST");
    const http = sortedCopy(Float64Array.from(byType("HTTP_REQUEST")));
    assert.equal(summary.summary.count, 8);
    assert.ok(Math.abs(summary.summary.average_duration! - mean(byType("HTTP_REQUEST"))) < 1e-9);
    assert.equal(summary.summary.min_duration, 0.12);
    assert.equal(summary.summary.max_duration, 8.5);
    for (const [q, key] of [
      [0.95, "p95_duration"],
      [0.99, "p99_duration"],
    ] as const) {
      assert.ok(
        relativeError(summary.summary[key]!, exactQuantile(http, q)) <= 0.01,
        `${key} ${summary.summary[key]}`,
      );
    }

    const slow = ok(
      await sendExample("Get Slow Operations", admin.idToken).answer,
      slowOperationsResponseSchema,
      "slow-operations",
    );
    assertSameShape(responseOf("Get Slow Operations"), slow);
    assert.equal(slow.total_count, 1);
    const [op] = slow.slow_operations;
    assert.equal(op!.message, "Slow HTTP_REQUEST operation: POST /api/generate");
    assert.equal(op!.type, "HTTP_REQUEST");
    assert.deepEqual(op!.context, {
      duration: 8.5,
      threshold: 5,
      attributes: { method: "POST", endpoint: "/api/generate" },
    });
    assert.match(op!.timestamp, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/);
    const slowTrace = recorded.find((t) => t.duration === 8.5)!;
    assert.equal(
      Date.parse(op!.timestamp),
      Date.parse(slowTrace.start_time) + 8500,
      "when the slow operation ended",
    );

    const types = ok(
      await sendExample("Get Metric Types", admin.idToken).answer,
      metricTypesResponseSchema,
      "metric-types",
    );
    assert.deepEqual(types.metric_types, METRIC_TYPES);
    const thresholds = ok(
      await sendExample("Get Performance Thresholds", admin.idToken).answer,
      thresholdsResponseSchema,
      "thresholds",
    );
    assert.deepEqual(thresholds.thresholds, PERFORMANCE_THRESHOLDS);

    const bench = ok(
      await sendExample("Run Benchmark", admin.idToken).answer,
      benchmarkResponseSchema,
      "benchmark",
    );
    assertSameShape(responseOf("Run Benchmark"), bench);
    assert.equal(bench.benchmark.test_type, "cpu");
    assert.equal(bench.benchmark.requested_duration, 2);
    assert.ok(
      bench.benchmark.actual_duration >= 2 && bench.benchmark.actual_duration < 3,
      `${bench.benchmark.actual_duration}`,
    );
    assert.ok(Number.isInteger(bench.benchmark.result) && bench.benchmark.result > 0);

    const system = ok(
      await sendExample("Get System Metrics", admin.idToken).answer,
      systemMetricsResponseSchema,
      "system-metrics",
    );
    assertSameShape(responseOf("Get System Metrics"), system);
    assert.equal(system.host_id, HOST_ID);
    assert.deepEqual(system.metrics?.cpu, { percent: 45.2, count: 8, load_average: [1.5, 1.2, 0.9] });

    // The contract elides the health stats as `{...}`; every other field is held to its example.
    const healthExample = JSON.parse(
      SOURCE_API_EXAMPLES.find((e) => e.title === "Health Check")!.responses[0]!.replace("{...}", "{}"),
    ) as unknown;
    // The stored evaluation may predate the host's push (the ticker evaluates every minute): evaluate now.
    if (process.env.AIDEON_SCHEDULES_URL)
      assert.equal(
        (await fetch(`${process.env.AIDEON_SCHEDULES_URL}/schedules/evaluateHealth/run`, { method: "POST" }))
          .status,
        200,
      );
    const health = ok(
      await sendExample("Health Check", admin.idToken).answer,
      healthResponseSchema,
      "health",
    );
    assertSameShape(healthExample, health);
    assert.deepEqual([health.health.status, health.health.issues], ["healthy", []]);
    assert.equal(health.health.stats.hosts_reporting, 1);
    assert.deepEqual(
      [...sent].sort(),
      SOURCE_API_EXAMPLES.map((e) => e.title).sort(),
      "every request the contract prints was sent",
    );
  });

  it("answers each status of the error table as JSON through Hosting", async () => {
    const P = PREFIX;
    let body = assertJsonError(
      await call("POST", `${P}start-trace`, {
        token: alice.idToken,
        body: { name: "x", trace_type: "http_request" },
      }),
      400,
    );
    assert.equal(body.error.field, "trace_type");
    body = assertJsonError(await call("GET", `${P}slow-operations?limit=500`, { token: admin.idToken }), 400);
    assert.equal(body.error.field, "limit");

    assert.equal(
      assertJsonError(await call("POST", `${P}start-trace`, { body: { name: "x" } }), 401).error.code,
      "unauthenticated",
    );
    assertJsonError(await call("GET", `${P}stats`, { token: `${alice.idToken.slice(0, -4)}AAAA` }), 401);
    assertJsonError(await call("GET", `${P}stats`, { token: "not-a-token" }), 401);

    assert.equal(
      assertJsonError(await call("GET", `${P}stats`, { token: alice.idToken }), 403).error.code,
      "permission-denied",
    );
    const { trace_id } = ok(
      await call("POST", `${P}start-trace`, { token: alice.idToken, body: { name: "owned" } }),
      startTraceResponseSchema,
    );
    assertJsonError(await call("POST", `${P}stop-trace`, { token: bob.idToken, body: { trace_id } }), 403);

    assertJsonError(
      await call("POST", `${P}stop-trace`, { token: alice.idToken, body: { trace_id: "no-such-trace" } }),
      404,
    );
    for (const target of [`${P}nope`, `${P}system-metrics?host=never-seen`, "/api/v2/anything", "/api/"]) {
      assertJsonError(await call("GET", target, { token: admin.idToken }), 404, target);
    }

    const wrong = await call("PUT", `${P}start-trace`, { token: alice.idToken, body: { name: "x" } });
    assertJsonError(wrong, 405);
    assert.equal(wrong.headers.get("allow"), "POST, OPTIONS");

    ok(
      await call("POST", `${P}stop-trace`, { token: alice.idToken, body: { trace_id } }),
      stopTraceResponseSchema,
    );
    assert.equal(
      assertJsonError(await call("POST", `${P}stop-trace`, { token: alice.idToken, body: { trace_id } }), 409)
        .error.code,
      "failed-precondition",
    );

    const config = emulatorApiConfig();
    const big = JSON.stringify({ name: "x".repeat(config.maxBodyBytes) });
    assert.equal(
      assertJsonError(
        await call("POST", `${P}start-trace`, {
          token: alice.idToken,
          body: big,
          headers: { "Content-Type": "application/json" },
        }),
        413,
      ).error.code,
      "payload-too-large",
    );
    assert.equal(
      assertJsonError(
        await call("POST", `${P}start-trace`, {
          token: alice.idToken,
          body: '{"name":"x"}',
          headers: { "Content-Type": "text/plain" },
        }),
        415,
      ).error.code,
      "unsupported-media-type",
    );

    // The rate limit as configured for the emulator: a fresh user's limit of recording requests passes, the next is 429.
    const carol = await anonymousUser(emulators.auth!);
    const attempt = () =>
      call("POST", `${P}add-metric`, {
        token: carol.idToken,
        body: { trace_id: "no-such-trace", metric_name: "m", value: 1 },
      });
    if (config.rateLimit.limit > 0) {
      // Windows are aligned to the epoch: start well inside one, so the count is not reset halfway.
      const windowMs = config.rateLimit.windowMs;
      if (windowMs - (Date.now() % windowMs) < 10_000) await sleep(windowMs - (Date.now() % windowMs) + 100);
      for (let i = 0; i < config.rateLimit.limit; i++)
        assert.equal((await attempt()).status, 404, `request ${i + 1}`);
      const limited = await attempt();
      assert.equal(assertJsonError(limited, 429).error.code, "resource-exhausted");
      assert.ok(Number(limited.headers.get("retry-after")) >= 1);
    }
  });

  it("fuzz: 200+ seeded malformed bodies through Hosting get 4xx JSON answers, never a 5xx, and write nothing", async function () {
    this.timeout(300_000);
    const before = await restWrittenDocuments();
    const cases = malformedBodies(320, 61206);
    const ours = cases.filter((c) => !c.platformParsed);
    assert.ok(ours.length >= 200, `${ours.length} cases reach the function`);
    const opts = (c: (typeof cases)[number]): SendOptions => ({
      token: c.admin ? admin.idToken : alice.idToken,
      body: c.body,
      headers: c.contentType === undefined ? {} : { "Content-Type": c.contentType },
    });
    for (const c of ours) {
      const answer = await call(c.method, `${PREFIX}${c.path}`, opts(c));
      assert.ok(
        answer.status >= 400 && answer.status < 500,
        `${c.label}: HTTP ${answer.status} ${answer.text.slice(0, 200)}`,
      );
      assertJsonError(answer, answer.status, c.label);
    }
    // Not JSON objects or arrays sent as application/json: the platform's own body parser answers these
    // 400 before the function runs (in HTML: see docs/rest.md); still a 4xx, never a 5xx, nothing written.
    for (const c of cases.filter((x) => x.platformParsed)) {
      const answer = await call(c.method, `${PREFIX}${c.path}`, opts(c));
      assert.equal(answer.status, 400, c.label);
    }
    assert.deepEqual(await restWrittenDocuments(), before);
  });

  describe("callables and REST through the emulators", () => {
    let adminSdk: Client;
    before(async () => {
      adminSdk = await adminClient(emulators);
    });
    after(() => adminSdk?.close());

    it("answer equally for the same data", async () => {
      const now = Date.now();
      const traces = [0.2, 0.7, 6.5].map((duration, i) => ({
        name: "GET /x",
        trace_type: "HTTP_REQUEST",
        duration,
        start_time: new Date(now - 30_000 + i).toISOString(),
      }));
      ok(
        await call("POST", `${PREFIX}record-traces`, {
          token: alice.idToken,
          body: { batch_id: "equal", traces },
        }),
        recordTracesResponseSchema,
      );
      await waitFor(
        () => adminSdk.call<{ stats: { total_traces: number } }>("getStats", {}),
        (s) => s.stats.total_traces >= 3,
        30_000,
      );
      const pairs: Array<[string, string, unknown]> = [
        ["stats", "getStats", {}],
        ["stats?window=hour", "getStats", { window: "hour" }],
        ["trace-summary?trace_type=HTTP_REQUEST", "getTraceSummary", { trace_type: "HTTP_REQUEST" }],
        [
          "trace-summary?trace_type=HTTP_REQUEST&name=GET%20%2Fx&window=24h",
          "getTraceSummary",
          { trace_type: "HTTP_REQUEST", name: "GET /x", window: "24h" },
        ],
        ["slow-operations?limit=5", "getSlowOperations", { limit: 5 }],
      ];
      for (const [target, callable, data] of pairs) {
        const viaRest = await call("GET", `${PREFIX}${target}`, { token: admin.idToken });
        assert.equal(viaRest.status, 200, target);
        assert.deepEqual(viaRest.json, await adminSdk.call(callable, data), target);
      }
      const change = { thresholds: { AUTHENTICATION: { good: 0.3, acceptable: 1, poor: 2 } } };
      const viaRest = ok(
        await call("PUT", `${PREFIX}thresholds`, { token: admin.idToken, body: change }),
        thresholdsResponseSchema,
      );
      assert.deepEqual(viaRest, await adminSdk.call("setThresholds", change));
    });
  });

  it("serves the OpenAPI document and OPTIONS (no CORS origin allowed by default)", async () => {
    const doc = await call("GET", `${PREFIX}openapi.json`);
    assert.equal(doc.status, 200);
    assert.equal((doc.json as { openapi: string }).openapi, "3.1.0");
    const preflight = await call("OPTIONS", `${PREFIX}record-traces`, {
      headers: { Origin: "https://elsewhere.example.com", "Access-Control-Request-Method": "POST" },
    });
    assert.equal(preflight.status, 204);
    assert.equal(preflight.headers.get("allow"), "POST, OPTIONS");
    assert.equal(preflight.headers.get("access-control-allow-origin"), null);
    for (const name of SOURCE_ENDPOINTS)
      assert.ok(`${PREFIX}${name}` in (doc.json as { paths: object }).paths, name);
  });
});
