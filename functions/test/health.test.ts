/**
 * Health evaluation with its real handlers (the wrapped schedule, run at controlled times, and the
 * admin callables) against a real Firestore API server, with host documents written as host metrics
 * ingestion writes them and traces through the real aggregation pipeline.
 */
import assert from "node:assert/strict";
import type { DocumentSnapshot } from "firebase-admin/firestore";
import {
  DEFAULT_HEALTH_CONFIG,
  PERFORMANCE_THRESHOLDS,
  healthResponseSchema,
  setHealthConfigResponseSchema,
  type HealthResponse,
  type TraceType,
} from "@aideon-perf/core";
import { adminDb, clearFirestore, ensureFirestore } from "../../test/support/firestore";
import { COLLECTIONS } from "../src/firestore";
import * as fns from "../src/index";
import { services } from "../src/services";
import { addFinishedTrace, emptyDelta } from "../src/aggregation/trace-stats";
import { TRUSTED_CLAIM } from "../src/admission/principal";
import { admin, alice, call, fft, recordedTrace, rejection, withoutBackgroundTriggers } from "./helpers";
import { alertDocs, evaluateAt, putHost, resetHealthConfig, setHealthConfig } from "./health-support";

const getHealth = () => call<HealthResponse>(fns.getHealth, {}, admin);
const currentHealth = () => adminDb().collection(COLLECTIONS.health).doc("current").get();

/** Finished traces staged straight into the aggregates at a chosen minute (the triggers' own write path). */
async function stageTraces(atMs: number, durations: number[], traceType: TraceType = "HTTP_REQUEST") {
  const delta = emptyDelta();
  for (const duration of durations) {
    addFinishedTrace(
      delta,
      { name: "GET /items", trace_type: traceType, duration },
      PERFORMANCE_THRESHOLDS[traceType],
      { end_ms: atMs, server_ms: atMs },
    );
  }
  await adminDb().runTransaction(async (tx) =>
    (await services().store.stageDelta(tx, delta, atMs, `staged-${atMs}-${durations.length}`, atMs))(),
  );
}

describe("health evaluation (wrapped evaluateHealth and callables, real Firestore)", function () {
  this.timeout(60_000);
  withoutBackgroundTriggers();
  before(ensureFirestore);
  beforeEach(async () => {
    await clearFirestore();
    await resetHealthConfig();
  });

  const T0 = Date.parse("2030-01-01T12:00:00Z");

  it("turns warning when a host stops reporting, naming it", async () => {
    await putHost("web-1", { lastSeenMs: T0, intervalSeconds: 30 });
    await putHost("web-2", { lastSeenMs: T0 + 90_000, intervalSeconds: 30 });

    await evaluateAt(T0 + 30_000);
    let health = (await getHealth()).health;
    assert.deepEqual([health.status, health.issues], ["healthy", []]);
    assert.deepEqual([health.stats.hosts_reporting, health.stats.hosts_silent], [2, 0]);

    await evaluateAt(T0 + 90_000);
    assert.equal((await getHealth()).health.status, "healthy", "exactly 3 intervals is not yet silent");

    await evaluateAt(T0 + 95_000);
    health = (await getHealth()).health;
    assert.equal(health.status, "warning");
    assert.deepEqual(health.issues, ["Host web-1 stopped reporting (no sample for 95 s, 3 intervals)"]);
    assert.deepEqual([health.stats.hosts_reporting, health.stats.hosts_silent], [1, 1]);
    assert.equal(health.timestamp, new Date(T0 + 95_000).toISOString());

    await putHost("web-1", { lastSeenMs: T0 + 100_000 });
    await evaluateAt(T0 + 110_000);
    assert.deepEqual((await getHealth()).health.issues, [], "reporting again");
  });

  it("is critical above a critical level and ignores a silent host's stale sample", async () => {
    await putHost("web-1", { lastSeenMs: T0, cpu: 97.25 });
    await putHost("old-1", { lastSeenMs: T0 - 3_600_000, cpu: 100, memory: 100 });
    await putHost("db-1", {
      lastSeenMs: T0,
      disk: 40,
      mounts: [{ mount: "/var/lib/postgresql", percent: 93.5 }],
    });
    await evaluateAt(T0);
    const { health } = await getHealth();
    assert.equal(health.status, "critical");
    assert.deepEqual(health.issues, [
      "Critical CPU usage: 97.3% on web-1",
      "High disk usage: 93.5% on db-1 (/var/lib/postgresql)",
      "Host old-1 stopped reporting (no sample for 3600 s, 120 intervals)",
    ]);
    const stored = await currentHealth();
    assert.deepEqual(
      stored
        .get("findings")
        .map(
          (f: { rule: string; subject: string; severity: string }) => `${f.rule}:${f.subject}:${f.severity}`,
        ),
      ["cpu:web-1:critical", "disk:db-1:warning", "host_silent:old-1:warning"],
    );
  });

  it("warns on more than 10 slow operations in the last hour, from the aggregates (a trusted source)", async () => {
    const poor = PERFORMANCE_THRESHOLDS.HTTP_REQUEST.poor;
    const traces = (n: number, duration: number) =>
      Array.from({ length: n }, (_, i) =>
        recordedTrace(i, { start_time: new Date().toISOString(), duration }),
      );
    const backend = { uid: "backend-uid", claims: { [TRUSTED_CLAIM]: true } };
    await call(
      fns.recordTraces,
      { batch_id: "slow-10", traces: [...traces(10, poor + 1), ...traces(5, 0.2)] },
      backend,
    );
    await aggregateBatches();
    await evaluateAt(Date.now());
    let health = (await getHealth()).health;
    assert.deepEqual(
      [health.status, health.stats.slow_operations_count, health.stats.total_traces],
      ["healthy", 10, 15],
    );

    await call(fns.recordTraces, { batch_id: "slow-11", traces: traces(1, poor + 2) }, backend);
    await aggregateBatches();
    await evaluateAt(Date.now());
    health = (await getHealth()).health;
    assert.equal(health.status, "warning");
    assert.deepEqual(health.issues, ["High number of slow operations: 11"]);
    assert.equal(health.stats.traces_by_type.HTTP_REQUEST, 16);
    assert.equal(health.stats.slow_operations_count, 11);
  });

  it("lets no untrusted user fire the slow-operations alert alone: anonymous ones never count, signed-in ones at most 5 slow an hour", async () => {
    const poor = PERFORMANCE_THRESHOLDS.HTTP_REQUEST.poor;
    const slow = (n: number) =>
      Array.from({ length: n }, (_, i) =>
        recordedTrace(i, { start_time: new Date().toISOString(), duration: poor + 1 }),
      );
    const anonymous = { uid: "anon-burst", claims: { firebase: { sign_in_provider: "anonymous" } } };
    const user = { uid: "user-burst", claims: { firebase: { sign_in_provider: "password" } } };
    await call(fns.recordTraces, { batch_id: "anon-burst", traces: slow(200) }, anonymous);
    await call(fns.recordTraces, { batch_id: "user-burst-1", traces: slow(30) }, user);
    await call(fns.recordTraces, { batch_id: "user-burst-2", traces: slow(30) }, user);
    await aggregateBatches();
    await evaluateAt(Date.now());
    const health = (await getHealth()).health;
    assert.equal(health.status, "healthy");
    assert.equal(
      health.stats.slow_operations_count,
      5,
      "the signed-in user's 5 of 60; the anonymous 200 none",
    );
    const stats = await call<{ stats: { slow_operations_count: number } }>(
      fns.getStats,
      { window: "hour" },
      admin,
    );
    assert.equal(
      stats.stats.slow_operations_count,
      260,
      "every slow trace is still counted in the statistics",
    );
  });
  it("warns on a p95 regression against the type's 24 h p95, with at least 20 traces in the hour", async () => {
    const now = Date.parse("2030-01-01T12:30:00Z");
    await stageTraces(
      now - 3 * 3_600_000,
      Array.from({ length: 1000 }, () => 0.1),
    );
    await stageTraces(
      now - 5 * 60_000,
      Array.from({ length: 19 }, () => 1),
    );
    await evaluateAt(now);
    assert.equal((await getHealth()).health.status, "healthy", "19 traces are too few");

    await stageTraces(now - 4 * 60_000, [1]);
    await evaluateAt(now);
    const { health } = await getHealth();
    assert.deepEqual(health.issues, ["p95 regression for HTTP_REQUEST: 1.00 s vs baseline 0.10 s"]);
    assert.equal(health.stats.p95_durations.HTTP_REQUEST, 1);
    assert.ok(Math.abs(health.stats.baseline_p95_durations.HTTP_REQUEST! - 0.1) <= 0.001);
  });

  describe("getHealth", () => {
    it("answers in the contract's shape, evaluating now when there was no evaluation yet", async () => {
      await putHost("web-1", { lastSeenMs: Date.now(), cpu: 85.2 });
      const before = Date.now();
      const res = await getHealth();
      assert.deepEqual(healthResponseSchema.parse(res), res);
      assert.equal(res.health.status, "warning");
      assert.deepEqual(res.health.issues, ["High CPU usage: 85.2% on web-1"]);
      assert.ok(Date.parse(res.health.timestamp) >= before);
      assert.ok((await currentHealth()).exists, "the evaluation was stored");
    });

    it("answers the stored evaluation, and a late run never overwrites a newer one", async () => {
      await putHost("web-1", { lastSeenMs: T0, cpu: 90 });
      await evaluateAt(T0 + 60_000);
      await evaluateAt(T0);
      const res = await getHealth();
      assert.equal(res.health.timestamp, new Date(T0 + 60_000).toISOString());
      assert.equal(res.health.stats.window, "hour");
    });

    it("is refused without the admin claim", async () => {
      assert.equal((await rejection(call(fns.getHealth, {}, alice))).code, "permission-denied");
      assert.equal((await rejection(call(fns.getHealth, {}))).code, "unauthenticated");
    });
  });

  it("writes nothing while there is nothing to monitor", async () => {
    await evaluateAt(T0);
    assert.equal((await currentHealth()).exists, false);
    assert.equal((await alertDocs()).length, 0);
    assert.equal((await getHealth()).health.status, "healthy");
  });

  describe("setHealthConfig", () => {
    it("stores validated overrides that change the rules, and null restores a default", async () => {
      const res = await setHealthConfig({
        cpu_percent: { warning: 50, critical: 60 },
        host_silent_intervals: 10,
      });
      assert.deepEqual(setHealthConfigResponseSchema.parse(res), res);
      assert.deepEqual(res.config, {
        ...DEFAULT_HEALTH_CONFIG,
        cpu_percent: { warning: 50, critical: 60 },
        host_silent_intervals: 10,
      });
      await putHost("web-1", { lastSeenMs: T0, cpu: 55 });
      await evaluateAt(T0 + 200_000);
      assert.deepEqual((await getHealth()).health.issues, ["High CPU usage: 55.0% on web-1"]);

      const reset = await setHealthConfig({ cpu_percent: null });
      assert.deepEqual(reset.config.cpu_percent, DEFAULT_HEALTH_CONFIG.cpu_percent);
      assert.equal(reset.config.host_silent_intervals, 10);
    });

    it("rejects invalid overrides naming the field, storing nothing, and non-admins", async () => {
      const cases: Array<[unknown, string]> = [
        [{ config: { cpu_percent: { warning: 90, critical: 80 } } }, "config.cpu_percent.critical"],
        [{ config: { memory_percent: { warning: 50 } } }, "config.memory_percent.critical"],
        [{ config: { alert_hold_seconds: -1 } }, "config.alert_hold_seconds"],
        [{ config: {} }, "config"],
        [{ config: { cpu_percent: { warning: 50, critical: 60 }, bogus: 1 } }, "config.bogus"],
        [{}, "config"],
      ];
      for (const [data, field] of cases) {
        const err = await rejection(call(fns.setHealthConfig, data, admin));
        assert.equal(err.code, "invalid-argument", field);
        assert.equal(err.details?.field, field);
      }
      assert.deepEqual(
        (await adminDb().collection(COLLECTIONS.config).doc("health").get()).get("overrides") ?? {},
        {},
      );
      assert.equal(
        (await rejection(call(fns.setHealthConfig, { config: { alert_hold_seconds: 0 } }, alice))).code,
        "permission-denied",
      );
    });
  });
});

/** Delivers the created-trigger for every unaggregated batch chunk, as the platform would. */
async function aggregateBatches() {
  const chunks = await adminDb().collection(COLLECTIONS.traceBatches).get();
  for (const chunk of chunks.docs.filter((d) => d.get("aggregated") !== true)) {
    await (fft.wrap(fns.aggregateTraceBatch) as unknown as (e: unknown) => Promise<void>)({
      data: chunk as DocumentSnapshot,
      params: { chunkId: chunk.id },
    });
  }
}
