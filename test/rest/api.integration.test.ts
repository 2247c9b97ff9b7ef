/**
 * The REST API in process: the real handler (production services, onRequest wrapper) on a real Node
 * http server, against the Firestore of test/support/firestore.ts, with stand-in ID tokens. Here the
 * function sees every byte (no platform body parser in front), so every malformed body is ours to answer.
 */
import assert from "node:assert/strict";
import { setTimeout as sleep } from "node:timers/promises";
import type { z } from "zod";
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
import { WIRE_MALFORMED_PAYLOADS } from "../../packages/core/test/fixtures/malformed-payloads";
import { adminDb, clearFirestore, ensureFirestore } from "../support/firestore";
import { call, fft, rejection, withoutBackgroundTriggers } from "../../functions/test/helpers";
import * as fns from "../../functions/src/index";
import { COLLECTIONS } from "../../functions/src/firestore";
import { services } from "../../functions/src/services";
import { BENCHMARK_SCRATCH_COLLECTION } from "../../functions/src/rest/benchmark/firestore";
import { RATE_LIMITS_COLLECTION } from "../../functions/src/rest/rate-limit";
import { API_PREFIX } from "../../functions/src/rest/router";
import { malformedBodies } from "./support/fuzz";
import { assertJsonError, assertNoLeak, send, type Answer, type SendOptions } from "./support/http";
import { serve, type Served } from "./support/serve";
import { fakeToken } from "./support/tokens";
import {
  admin,
  aggregateBatch,
  alice,
  REST_WRITTEN_COLLECTIONS,
  restWrittenDocuments,
  serveApi,
  tokens,
} from "./support/world";

const P = API_PREFIX;
const METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE"];
const REQUEST_PATHS = {
  startTrace: "start-trace",
  stopTrace: "stop-trace",
  addMetric: "add-metric",
  recordTraces: "record-traces",
} as const;

function ok<S extends z.ZodType>(answer: Answer, schema: S, label = ""): z.output<S> {
  assert.equal(answer.status, 200, `${label} HTTP ${answer.status}: ${answer.text.slice(0, 400)}`);
  assert.match(answer.headers.get("content-type") ?? "", /^application\/json/);
  return schema.parse(answer.json);
}

const slowTrace = (
  name: string,
  type: string,
  duration: number,
  attributes: Record<string, string | number | boolean> = {},
) => ({
  name,
  trace_type: type,
  start_time: new Date().toISOString(),
  duration,
  attributes,
});

describe("REST API in process (handler on a Node server, real Firestore)", function () {
  this.timeout(60_000);
  let api: Served;
  const req = (method: string, path: string, options: SendOptions = {}) =>
    send(api.origin, method, `${P}${path}`, options);

  // This suite delivers the triggers it needs itself; under `npm test` the emulators' would race it.
  withoutBackgroundTriggers();
  before(async () => {
    await ensureFirestore();
    api = await serveApi();
  });
  beforeEach(clearFirestore);
  after(async () => {
    await api?.close();
  });

  describe("the contract's trace calls", () => {
    it("start-trace, add-metric, stop-trace with the contract's bodies answer in its shapes", async () => {
      const started = ok(
        await req("POST", "start-trace", {
          token: tokens.alice,
          body: {
            name: "custom_operation",
            trace_type: "CUSTOM_TRACE",
            attributes: { operation_type: "data_processing", user_id: "user_123" },
          },
        }),
        startTraceResponseSchema,
      );
      assert.equal(started.message, "Trace started successfully");
      const metric = ok(
        await req("POST", "add-metric", {
          token: tokens.alice,
          body: { trace_id: started.trace_id, metric_name: "processing_rate", value: 150.5 },
        }),
        addMetricResponseSchema,
      );
      assert.deepEqual(metric, {
        success: true,
        trace_id: started.trace_id,
        metric_name: "processing_rate",
        value: 150.5,
      });
      await sleep(30);
      const stopped = ok(
        await req("POST", "stop-trace", {
          token: tokens.alice,
          body: {
            trace_id: started.trace_id,
            attributes: { result_status: "success", items_processed: 100 },
          },
        }),
        stopTraceResponseSchema,
      );
      assert.equal(stopped.trace_id, started.trace_id);
      assert.equal(stopped.message, "Trace stopped successfully");
      assert.ok(stopped.duration >= 0.03 && stopped.duration < 30);
      const doc = (await adminDb().collection(COLLECTIONS.traces).doc(started.trace_id).get()).data();
      assert.equal(doc?.owner_uid, alice.uid);
      assert.deepEqual(doc?.metrics, { processing_rate: 150.5 });
      assert.deepEqual(doc?.attributes, {
        operation_type: "data_processing",
        user_id: "user_123",
        result_status: "success",
        items_processed: 100,
      });
    });

    it("record-traces stores a batch once however often it is retried", async () => {
      const body = {
        batch_id: "rest-batch",
        traces: [slowTrace("GET /", "HTTP_REQUEST", 0.2), slowTrace("q", "DATABASE_QUERY", 0.05)],
      };
      const first = ok(
        await req("POST", "record-traces", { token: tokens.alice, body }),
        recordTracesResponseSchema,
      );
      const retry = ok(
        await req("POST", "record-traces", { token: tokens.alice, body }),
        recordTracesResponseSchema,
      );
      assert.deepEqual(first, { success: true, batch_id: "rest-batch", accepted: 2, duplicate: false });
      assert.deepEqual(retry, { success: true, batch_id: "rest-batch", accepted: 2, duplicate: true });
      assert.equal((await adminDb().collection(COLLECTIONS.traceBatches).count().get()).data().count, 1);
    });

    it("metric-types answers the contract's METRIC_TYPES and thresholds the effective thresholds", async () => {
      const types = ok(await req("GET", "metric-types", { token: tokens.admin }), metricTypesResponseSchema);
      assert.deepEqual(types, { success: true, metric_types: METRIC_TYPES });
      const thresholds = ok(
        await req("GET", "thresholds", { token: tokens.admin }),
        thresholdsResponseSchema,
      );
      assert.deepEqual(thresholds, { success: true, thresholds: PERFORMANCE_THRESHOLDS });
      const changed = ok(
        await req("PUT", "thresholds", {
          token: tokens.admin,
          body: { thresholds: { HTTP_REQUEST: { good: 0.5, acceptable: 1, poor: 2 } } },
        }),
        thresholdsResponseSchema,
      );
      assert.deepEqual(changed.thresholds.HTTP_REQUEST, { good: 0.5, acceptable: 1, poor: 2 });
      assert.deepEqual(changed.thresholds.DATABASE_QUERY, PERFORMANCE_THRESHOLDS.DATABASE_QUERY);
      assert.deepEqual(
        ok(await req("GET", "thresholds", { token: tokens.admin }), thresholdsResponseSchema),
        changed,
      );
      const reset = ok(
        await req("PUT", "thresholds", { token: tokens.admin, body: { thresholds: { HTTP_REQUEST: null } } }),
        thresholdsResponseSchema,
      );
      assert.deepEqual(reset.thresholds, PERFORMANCE_THRESHOLDS);
    });
  });

  describe("error table, status by status (always JSON, never a stack trace)", () => {
    it("400 names the field: body, query and malformed JSON", async () => {
      let body = assertJsonError(
        await req("POST", "start-trace", { token: tokens.alice, body: { name: 42 } }),
        400,
      );
      assert.deepEqual(body.error, {
        code: "invalid-argument",
        message: "name: must be a string, not the number 42",
        field: "name",
      });
      body = assertJsonError(await req("GET", "slow-operations?limit=abc", { token: tokens.admin }), 400);
      assert.equal(body.error.field, "limit");
      body = assertJsonError(await req("GET", "trace-summary?name=x", { token: tokens.admin }), 400);
      assert.equal(body.error.field, "trace_type");
      body = assertJsonError(await req("GET", "stats?window=year", { token: tokens.admin }), 400);
      assert.equal(body.error.field, "window");
      body = assertJsonError(
        await req("POST", "start-trace", {
          token: tokens.alice,
          body: "{bad",
          headers: { "Content-Type": "application/json" },
        }),
        400,
      );
      assert.deepEqual(body.error, {
        code: "invalid-argument",
        message: "(root): is not valid JSON",
        field: "(root)",
      });
      body = assertJsonError(await req("POST", "start-trace", { token: tokens.alice }), 400);
      assert.deepEqual(body.error, {
        code: "invalid-argument",
        message: "(root): is required",
        field: "(root)",
      });
      body = assertJsonError(
        await req("POST", "benchmark", { token: tokens.admin, body: { test_type: "cpu", duration: 11 } }),
        400,
      );
      assert.equal(body.error.field, "duration");
    });

    it("401 without a token, with another scheme, with a token the verifier rejects", async () => {
      const variants: Array<Record<string, string>> = [
        {},
        { Authorization: "Basic dXNlcjpwYXNz" },
        { Authorization: "Bearer not-a-jwt" },
        { Authorization: "Bearer a.b.c" },
      ];
      for (const headers of variants) {
        const answer = await req("POST", "start-trace", { headers, body: { name: "x" } });
        const body = assertJsonError(answer, 401, JSON.stringify(headers));
        assert.equal(body.error.code, "unauthenticated");
        assert.match(answer.headers.get("www-authenticate") ?? "", /^Bearer realm="aideon-perf"/);
      }
      assertJsonError(await req("GET", "stats"), 401);
    });

    it("403 for reads, configuration and benchmarks without the admin claim, and for another user's trace", async () => {
      for (const [method, path, body] of [
        ["GET", "stats"],
        ["GET", "trace-summary"],
        ["GET", "trace-names?trace_type=HTTP_REQUEST"],
        ["GET", "slow-operations"],
        ["GET", "metric-types"],
        ["GET", "thresholds"],
        ["PUT", "thresholds", { thresholds: { HTTP_REQUEST: null } }],
        ["POST", "benchmark", { test_type: "cpu", duration: 1 }],
      ] as const) {
        const answer = assertJsonError(
          await req(method, path, { token: tokens.alice, body }),
          403,
          `${method} ${path}`,
        );
        assert.deepEqual(answer.error, {
          code: "permission-denied",
          message: "This needs the admin claim (admin: true).",
        });
      }
      const { trace_id } = ok(
        await req("POST", "start-trace", { token: tokens.alice, body: { name: "mine" } }),
        startTraceResponseSchema,
      );
      assert.equal(
        assertJsonError(await req("POST", "stop-trace", { token: tokens.bob, body: { trace_id } }), 403).error
          .code,
        "permission-denied",
      );
      assert.equal(
        assertJsonError(
          await req("POST", "add-metric", {
            token: tokens.bob,
            body: { trace_id, metric_name: "m", value: 1 },
          }),
          403,
        ).error.code,
        "permission-denied",
      );
    });

    it("404 for an unknown trace and for every path that is not an endpoint", async () => {
      const unknown = assertJsonError(
        await req("POST", "stop-trace", { token: tokens.alice, body: { trace_id: "no-such-trace" } }),
        404,
      );
      assert.deepEqual(unknown.error, { code: "not-found", message: "Trace no-such-trace does not exist." });
      for (const path of [
        "/",
        "/api",
        P,
        `${P}nope`,
        `${P}stats/`,
        "/api/v1/performance",
        "/api/v2/performance/stats",
        "/favicon.ico",
      ]) {
        for (const method of ["GET", "POST", "DELETE"]) {
          assert.equal(
            assertJsonError(
              await send(api.origin, method, path, { token: tokens.admin }),
              404,
              `${method} ${path}`,
            ).error.code,
            "not-found",
          );
        }
      }
    });

    it("serves system-metrics and health in the contract's shapes, 404 for a host that never reported", async () => {
      const all = ok(
        await req("GET", "system-metrics", { token: tokens.admin }),
        systemMetricsResponseSchema,
      );
      assert.deepEqual(all, { success: true, host_id: null, metrics: null, hosts: {} });
      const unknown = assertJsonError(
        await req("GET", "system-metrics?host=never-seen", { token: tokens.admin }),
        404,
      );
      assert.deepEqual(unknown.error, { code: "not-found", message: "No host never-seen has reported." });
      assert.equal(
        assertJsonError(await req("GET", "system-metrics?series=hour", { token: tokens.admin }), 400).error
          .field,
        "host",
      );
      const health = ok(await req("GET", "health", { token: tokens.admin }), healthResponseSchema);
      assert.equal(health.health.status, "healthy");
      assert.deepEqual(health.health.issues, []);
      assert.equal(
        assertJsonError(await req("GET", "health", { token: tokens.alice }), 403).error.code,
        "permission-denied",
      );
    });

    it("405 for a wrong method, with an Allow header", async () => {
      const answer = await req("GET", "start-trace", { token: tokens.alice });
      assert.deepEqual(assertJsonError(answer, 405).error.code, "method-not-allowed");
      assert.equal(answer.headers.get("allow"), "POST, OPTIONS");
      const thresholds = await req("DELETE", "thresholds", { token: tokens.admin });
      assertJsonError(thresholds, 405);
      assert.equal(thresholds.headers.get("allow"), "GET, PUT, OPTIONS");
    });

    it("409 for a finished trace", async () => {
      const { trace_id } = ok(
        await req("POST", "start-trace", { token: tokens.alice, body: { name: "once" } }),
        startTraceResponseSchema,
      );
      ok(
        await req("POST", "stop-trace", { token: tokens.alice, body: { trace_id } }),
        stopTraceResponseSchema,
      );
      const again = assertJsonError(
        await req("POST", "stop-trace", { token: tokens.alice, body: { trace_id } }),
        409,
      );
      assert.deepEqual(again.error, {
        code: "failed-precondition",
        message: `Trace ${trace_id} is no longer active (it is finished).`,
      });
      assertJsonError(
        await req("POST", "add-metric", {
          token: tokens.alice,
          body: { trace_id, metric_name: "late", value: 1 },
        }),
        409,
      );
    });

    it("413 for a body over the cap, declared or streamed, writing nothing", async () => {
      const big = JSON.stringify({
        batch_id: "big",
        traces: Array.from({ length: 6000 }, (_, i) => slowTrace(`t${i}`.padEnd(90, "x"), "HTTP_REQUEST", 1)),
      });
      assert.ok(Buffer.byteLength(big) > 1_048_576);
      const declared = await req("POST", "record-traces", {
        token: tokens.alice,
        body: big,
        headers: { "Content-Type": "application/json" },
      });
      assert.equal(assertJsonError(declared, 413).error.code, "payload-too-large");
      const stream = new ReadableStream<Uint8Array>({
        start(controller) {
          for (let i = 0; i < 40; i++) controller.enqueue(new Uint8Array(64 * 1024).fill(0x20));
          controller.close();
        },
      });
      const res = await fetch(`${api.origin}${P}record-traces`, {
        method: "POST",
        headers: { Authorization: `Bearer ${tokens.alice}`, "Content-Type": "application/json" },
        body: stream,
        duplex: "half",
      } as RequestInit);
      assert.equal(res.status, 413);
      assert.equal(((await res.json()) as { error: { code: string } }).error.code, "payload-too-large");
      assert.deepEqual(
        Object.values(await restWrittenDocuments()),
        REST_WRITTEN_COLLECTIONS.map(() => 0),
      );
    });

    it("415 for a body that is not application/json", async () => {
      for (const headers of [
        { "Content-Type": "text/plain" },
        { "Content-Type": "application/x-www-form-urlencoded" },
        { "Content-Type": "application/json; charset=latin1" },
      ]) {
        const body = assertJsonError(
          await req("POST", "start-trace", { token: tokens.alice, body: '{"name":"x"}', headers }),
          415,
          headers["Content-Type"],
        );
        assert.equal(body.error.code, "unsupported-media-type");
      }
      assertJsonError(
        await req("POST", "start-trace", {
          token: tokens.alice,
          body: new TextEncoder().encode('{"name":"x"}'),
        }),
        415,
      );
    });

    it("429 when a user's recording rate is spent, with Retry-After; other users and reads are not limited", async () => {
      // A fixed clock: the window cannot end halfway through.
      const limited = await serveApi(
        { now: () => 1_700_000_000_000 },
        { API_RATE_LIMIT: "3", API_RATE_WINDOW_SECONDS: "3600" },
      );
      try {
        const start = (token: string) =>
          send(limited.origin, "POST", `${P}start-trace`, { token, body: { name: "op" } });
        for (let i = 0; i < 3; i++) ok(await start(tokens.alice), startTraceResponseSchema);
        const refused = await start(tokens.alice);
        assert.equal(assertJsonError(refused, 429).error.code, "resource-exhausted");
        assert.ok(Number(refused.headers.get("retry-after")) >= 1);
        ok(await start(tokens.bob), startTraceResponseSchema);
        ok(
          await send(limited.origin, "GET", `${P}stats`, { token: fakeToken(alice.uid, { admin: true }) }),
          statsResponseSchema,
        );
        assert.equal(
          (await adminDb().collection(COLLECTIONS.traces).count().get()).data().count,
          4,
          "the refused request wrote no trace",
        );
      } finally {
        await limited.close();
      }
    });

    it("500 is a bare JSON error that reveals nothing; 503 when tokens cannot be verified", async () => {
      const broken = await serveApi({
        services: () => ({
          ...services(),
          traces: {
            ...services().traces,
            startTrace: () => Promise.reject(new Error("db password is hunter2")),
          },
        }),
      });
      const unverifiable = await serveApi({
        verifyIdToken: () =>
          Promise.reject(Object.assign(new Error("ECONNREFUSED"), { code: "app/network-error" })),
      });
      try {
        const answer = await send(broken.origin, "POST", `${P}start-trace`, {
          token: tokens.alice,
          body: { name: "x" },
        });
        assert.deepEqual(assertJsonError(answer, 500).error, {
          code: "internal",
          message: "Internal error.",
        });
        assert.doesNotMatch(answer.text, /hunter2/);
        const down = await send(unverifiable.origin, "POST", `${P}start-trace`, {
          token: tokens.alice,
          body: { name: "x" },
        });
        assert.equal(assertJsonError(down, 503).error.code, "unavailable");
        assert.equal(down.headers.get("retry-after"), "5");
      } finally {
        await broken.close();
        await unverifiable.close();
      }
    });

    it("OPTIONS answers 204 with Allow", async () => {
      const answer = await req("OPTIONS", "thresholds");
      assert.equal(answer.status, 204);
      assert.equal(answer.headers.get("allow"), "GET, PUT, OPTIONS");
      assert.equal(answer.headers.get("access-control-allow-origin"), null, "no CORS by default");
    });
  });

  it("fuzz: 300 seeded malformed bodies all get a 4xx JSON answer, never a 5xx, and write nothing", async function () {
    this.timeout(120_000);
    const before = await restWrittenDocuments();
    const statuses = new Map<number, number>();
    for (const c of malformedBodies(300, 20241206)) {
      const answer = await req(c.method, c.path, {
        token: c.admin ? tokens.admin : tokens.alice,
        body: c.body,
        headers: c.contentType === undefined ? {} : { "Content-Type": c.contentType },
      });
      assert.ok(
        answer.status >= 400 && answer.status < 500,
        `${c.label}: HTTP ${answer.status} ${answer.text.slice(0, 200)}`,
      );
      assertJsonError(answer, answer.status, c.label);
      statuses.set(answer.status, (statuses.get(answer.status) ?? 0) + 1);
    }
    assert.deepEqual(await restWrittenDocuments(), before);
    assert.deepEqual(
      [...statuses.keys()].sort(),
      [400, 415],
      "every case is a validation error or the wrong media type",
    );
  });

  describe("callables and REST share one service layer: same data, same answers", () => {
    it("recording answers have the same shape, and a trace started by one is stopped by the other", async () => {
      const viaCallable = (await call(fns.startTrace, { name: "both" }, alice)) as unknown as Record<
        string,
        unknown
      >;
      const viaRest = ok(
        await req("POST", "start-trace", { token: tokens.alice, body: { name: "both" } }),
        startTraceResponseSchema,
      );
      assert.deepEqual({ ...viaRest, trace_id: "" }, { ...viaCallable, trace_id: "" });
      const stoppedByRest = ok(
        await req("POST", "stop-trace", { token: tokens.alice, body: { trace_id: viaCallable.trace_id } }),
        stopTraceResponseSchema,
      );
      const stoppedByCallable = (await call(
        fns.stopTrace,
        { trace_id: viaRest.trace_id },
        alice,
      )) as unknown as Record<string, unknown>;
      assert.deepEqual(Object.keys(stoppedByRest).sort(), Object.keys(stoppedByCallable).sort());
      assert.equal(stoppedByCallable.message, stoppedByRest.message);
      const rest409 = assertJsonError(
        await req("POST", "stop-trace", { token: tokens.alice, body: { trace_id: viaRest.trace_id } }),
        409,
      );
      const callable409 = await rejection(call(fns.stopTrace, { trace_id: viaCallable.trace_id }, alice));
      assert.deepEqual(
        { code: rest409.error.code, message: rest409.error.message.replace(viaRest.trace_id, "ID") },
        {
          code: callable409.code,
          message: callable409.message.replace(viaCallable.trace_id as string, "ID"),
        },
      );
    });

    it("every malformed recording payload gets the same code, message and field from both", async () => {
      for (const row of WIRE_MALFORMED_PAYLOADS) {
        const viaCallable = await rejection(
          call(fns[row.request] as unknown as Parameters<typeof call>[0], row.data, alice),
        );
        const viaRest = assertJsonError(
          await req("POST", REQUEST_PATHS[row.request], {
            token: tokens.alice,
            body: JSON.stringify(row.data),
            headers: { "Content-Type": "application/json" },
          }),
          400,
          row.label,
        );
        assert.deepEqual(
          viaRest.error,
          { code: viaCallable.code, message: viaCallable.message, field: viaCallable.details?.field },
          row.label,
        );
        assert.equal(viaRest.error.field, row.field, row.label);
      }
      assert.deepEqual(
        Object.values(await restWrittenDocuments()),
        REST_WRITTEN_COLLECTIONS.map(() => 0),
      );
    });

    it("stats, trace summaries, slow operations and thresholds are equal", async () => {
      const batch = {
        batch_id: "equal",
        traces: [
          slowTrace("GET /", "HTTP_REQUEST", 0.4),
          slowTrace("GET /", "HTTP_REQUEST", 1.6),
          slowTrace("POST /api/generate", "HTTP_REQUEST", 8.5, { method: "POST", endpoint: "/api/generate" }),
          slowTrace("SELECT users", "DATABASE_QUERY", 0.3),
          slowTrace("SELECT users", "DATABASE_QUERY", 2.5),
          slowTrace("video", "AI_GENERATION", 31),
        ],
      };
      ok(
        await req("POST", "record-traces", { token: tokens.alice, body: batch }),
        recordTracesResponseSchema,
      );
      await aggregateBatch("equal", alice);
      ok(
        await req("POST", "start-trace", { token: tokens.bob, body: { name: "running" } }),
        startTraceResponseSchema,
      );

      const same = async <S extends z.ZodType>(
        path: string,
        query: string,
        callable: Parameters<typeof call>[0],
        data: unknown,
        schema: S,
      ) => {
        const viaRest = ok(
          await req("GET", `${path}${query}`, { token: tokens.admin }),
          schema,
          `${path}${query}`,
        );
        const viaCallable = await call(callable, data, admin);
        assert.deepEqual(viaRest, viaCallable, `${path}${query}`);
        return viaRest;
      };
      const stats = await same("stats", "", fns.getStats, {}, statsResponseSchema);
      assert.equal(stats.stats.total_traces, 6);
      assert.equal(stats.stats.slow_operations_count, 3);
      await same("stats", "?window=hour", fns.getStats, { window: "hour" }, statsResponseSchema);
      await same("stats", "?window=7d", fns.getStats, { window: "7d" }, statsResponseSchema);
      const summary = await same(
        "trace-summary",
        "?trace_type=HTTP_REQUEST",
        fns.getTraceSummary,
        { trace_type: "HTTP_REQUEST" },
        traceSummaryResponseSchema,
      );
      assert.equal(summary.summary.count, 3);
      await same("trace-summary", "", fns.getTraceSummary, {}, traceSummaryResponseSchema);
      await same(
        "trace-summary",
        "?trace_type=DATABASE_QUERY&name=SELECT%20users&window=24h",
        fns.getTraceSummary,
        { trace_type: "DATABASE_QUERY", name: "SELECT users", window: "24h" },
        traceSummaryResponseSchema,
      );
      const page = await same(
        "slow-operations",
        "?limit=2",
        fns.getSlowOperations,
        { limit: 2 },
        slowOperationsResponseSchema,
      );
      assert.equal(page.slow_operations.length, 2);
      assert.equal(page.total_count, 3);
      const token = page.next_page_token!;
      await same(
        "slow-operations",
        `?limit=2&page_token=${encodeURIComponent(token)}`,
        fns.getSlowOperations,
        { limit: 2, page_token: token },
        slowOperationsResponseSchema,
      );
      await same(
        "slow-operations",
        "?trace_type=HTTP_REQUEST",
        fns.getSlowOperations,
        { trace_type: "HTTP_REQUEST" },
        slowOperationsResponseSchema,
      );

      const invalidRest = assertJsonError(
        await req("GET", "slow-operations?limit=0", { token: tokens.admin }),
        400,
      );
      const invalidCallable = await rejection(call(fns.getSlowOperations, { limit: 0 }, admin));
      assert.deepEqual(invalidRest.error, {
        code: invalidCallable.code,
        message: invalidCallable.message,
        field: invalidCallable.details?.field,
      });

      const change = { thresholds: { DATABASE_QUERY: { good: 0.2, acceptable: 0.8, poor: 2 } } };
      const viaRest = ok(
        await req("PUT", "thresholds", { token: tokens.admin, body: change }),
        thresholdsResponseSchema,
      );
      const viaCallable = await call(fns.setThresholds, change, admin);
      assert.deepEqual(viaRest, viaCallable);
      assert.deepEqual(
        ok(await req("GET", "thresholds", { token: tokens.admin }), thresholdsResponseSchema),
        viaCallable,
      );
    });
  });

  it("rate limit: instances sharing Firestore together allow exactly the limit", async () => {
    const env = { API_RATE_LIMIT: "24", API_RATE_WINDOW_SECONDS: "3600", API_RATE_LEASE: "5" };
    const now = () => 1_700_000_000_000;
    const instances = await Promise.all([
      serveApi({ now }, env),
      serveApi({ now }, env),
      serveApi({ now }, env),
    ]);
    try {
      // add-metric on a trace that does not exist: counted, then 404, and nothing but the counter is written.
      const attempt = (i: number) =>
        send(instances[i % 3]!.origin, "POST", `${P}add-metric`, {
          token: tokens.alice,
          body: { trace_id: "no-such-trace", metric_name: "m", value: i },
        });
      const answers = await Promise.all(Array.from({ length: 60 }, (_, i) => attempt(i)));
      const counted = answers.filter((a) => a.status === 404).length;
      const refused = answers.filter((a) => a.status === 429).length;
      assert.ok(counted <= 24, `${counted} allowed`);
      assert.equal(counted + refused, 60);
      // Each instance keeps asking until refused: what one leased and did not use is used before it is refused.
      const more = await Promise.all(Array.from({ length: 30 }, (_, i) => attempt(i)));
      assert.equal(counted + more.filter((a) => a.status === 404).length, 24, "exactly the limit overall");
      const counters = await adminDb().collection(RATE_LIMITS_COLLECTION).get();
      assert.equal(counters.size, 1, "one counter document for the user and window");
      assert.equal(counters.docs[0]!.get("count"), 24);
      assert.ok(counters.docs[0]!.get("expire_at"), "it carries expire_at for a TTL policy");
    } finally {
      await Promise.all(instances.map((i) => i.close()));
    }
  });

  it("CORS: a configured origin gets its headers on answers and preflights, others get none", async () => {
    const cors = await serveApi({}, { API_CORS_ORIGINS: "https://app.example.com" });
    try {
      const preflight = await send(cors.origin, "OPTIONS", `${P}start-trace`, {
        headers: {
          Origin: "https://app.example.com",
          "Access-Control-Request-Method": "POST",
          "Access-Control-Request-Headers": "authorization,content-type",
        },
      });
      assert.equal(preflight.status, 204);
      assert.equal(preflight.headers.get("access-control-allow-origin"), "https://app.example.com");
      assert.equal(preflight.headers.get("access-control-allow-methods"), "POST, OPTIONS");
      assert.equal(preflight.headers.get("access-control-allow-headers"), "Authorization, Content-Type");
      const answer = await send(cors.origin, "POST", `${P}start-trace`, {
        token: tokens.alice,
        body: { name: "x" },
        headers: { Origin: "https://app.example.com" },
      });
      assert.equal(answer.status, 200);
      assert.equal(answer.headers.get("access-control-allow-origin"), "https://app.example.com");
      const error = await send(cors.origin, "POST", `${P}start-trace`, {
        body: { name: "x" },
        headers: { Origin: "https://app.example.com" },
      });
      assert.equal(error.status, 401);
      assert.equal(
        error.headers.get("access-control-allow-origin"),
        "https://app.example.com",
        "errors are readable by the page too",
      );
      const other = await send(cors.origin, "OPTIONS", `${P}start-trace`, {
        headers: { Origin: "https://evil.example.com", "Access-Control-Request-Method": "POST" },
      });
      assert.equal(other.headers.get("access-control-allow-origin"), null);
    } finally {
      await cors.close();
    }
  });

  it("benchmark runs cpu, memory and firestore inside the handler and cleans its scratch document up", async () => {
    for (const test_type of ["cpu", "memory", "firestore"] as const) {
      const answer = ok(
        await req("POST", "benchmark", { token: tokens.admin, body: { test_type, duration: 0.3 } }),
        benchmarkResponseSchema,
        test_type,
      );
      assert.equal(answer.benchmark.test_type, test_type);
      assert.equal(answer.benchmark.requested_duration, 0.3);
      assert.ok(answer.benchmark.actual_duration >= 0.3 && answer.benchmark.actual_duration < 5);
      assert.ok(answer.benchmark.result > 0);
      if (answer.benchmark.test_type === "firestore") {
        const d = answer.benchmark.details;
        assert.equal(d.round_trips, answer.benchmark.result);
        assert.ok(d.p50_ms !== null && d.p95_ms !== null && d.p50_ms <= d.p95_ms);
      }
    }
    assert.equal((await adminDb().collection(BENCHMARK_SCRATCH_COLLECTION).count().get()).data().count, 0);
  });

  it("the OpenAPI document lists exactly the routes that exist", async () => {
    const doc = (await req("GET", "openapi.json")).json as {
      openapi: string;
      paths: Record<string, Record<string, unknown>>;
    };
    assert.equal(doc.openapi, "3.1.0");
    const documented = Object.entries(doc.paths).flatMap(([path, ops]) =>
      Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`),
    );
    assert.equal(documented.length, 16);
    for (const [path, ops] of Object.entries(doc.paths)) {
      const allowed = Object.keys(ops).map((m) => m.toUpperCase());
      for (const method of METHODS) {
        const answer = await send(api.origin, method, path, { token: tokens.admin });
        if (allowed.includes(method)) {
          assert.ok(
            ![404, 405].includes(answer.status),
            `${method} ${path} is documented but answers ${answer.status}`,
          );
          assertNoLeak(answer.text);
        } else {
          assertJsonError(answer, 405, `${method} ${path} is not documented`);
          assert.equal(answer.headers.get("allow"), [...allowed, "OPTIONS"].join(", "));
        }
      }
    }
    // Nothing exists that is not documented: every path the contract names is either documented or a 404.
    for (const path of [
      "start-trace",
      "stop-trace",
      "add-metric",
      "stats",
      "trace-summary",
      "system-metrics",
      "slow-operations",
      "health",
      "metric-types",
      "thresholds",
      "benchmark",
      "record-traces",
      "openapi.json",
    ]) {
      const known = `${P}${path}` in doc.paths;
      for (const method of METHODS) {
        const answer = await send(api.origin, method, `${P}${path}`, { token: tokens.admin });
        if (!known) assertJsonError(answer, 404, `${method} ${path}`);
      }
    }
  });

  it("the exported `api` function is this handler with the production wiring", async () => {
    const exported = await serve(fns.api);
    try {
      const doc = await send(exported.origin, "GET", `${P}openapi.json`);
      assert.equal(doc.status, 200);
      assert.deepEqual(doc.json, (await req("GET", "openapi.json")).json);
      assertJsonError(await send(exported.origin, "GET", `${P}stats`), 401);
      assertJsonError(await send(exported.origin, "GET", `${P}stats`, { token: "a.b.c" }), 401);
    } finally {
      await exported.close();
    }
  });

  after(() => fft.cleanup());
});
