/**
 * The four recording callables, wrapped with firebase-functions-test and run against a real Firestore
 * API server (see test/support/firestore.ts).
 */
import assert from "node:assert/strict";
import { setTimeout as sleep } from "node:timers/promises";
import { Timestamp } from "firebase-admin/firestore";
import type { CallableFunction } from "firebase-functions/https";
import { DAY_MS, LIMITS } from "@aideon-perf/core";
import { MALFORMED_PAYLOADS } from "../../packages/core/test/fixtures/malformed-payloads";
import { adminDb, clearFirestore, countAllDocuments, ensureFirestore } from "../../test/support/firestore";
import { COLLECTIONS } from "../src/firestore";
import * as fns from "../src/index";
import { alice, bob, call, fft, recordedTrace, rejection, withoutBackgroundTriggers } from "./helpers";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe("recording callables (wrapped, real Firestore)", function () {
  withoutBackgroundTriggers();
  before(ensureFirestore);
  beforeEach(clearFirestore);
  after(() => fft.cleanup());

  const traceDoc = async (id: string) =>
    (await adminDb().collection(COLLECTIONS.traces).doc(id).get()).data();
  const start = (caller = alice, data: unknown = { name: "video_generation", trace_type: "AI_GENERATION" }) =>
    call(fns.startTrace, data, caller);

  describe("startTrace", () => {
    it("starts a server-clocked trace and answers in the contract's shape", async () => {
      const before = Date.now();
      const res = await start(alice, {
        name: "video_generation",
        trace_type: "AI_GENERATION",
        attributes: { model: "stable-diffusion", resolution: "1024x1024", user_id: "123" },
      });
      assert.deepEqual(Object.keys(res).sort(), ["message", "success", "trace_id"]);
      assert.equal(res.success, true);
      assert.equal(res.message, "Trace started successfully");
      assert.match(res.trace_id, UUID);
      const doc = await traceDoc(res.trace_id);
      assert.ok(doc);
      assert.equal(doc.name, "video_generation");
      assert.equal(doc.trace_type, "AI_GENERATION");
      assert.equal(doc.status, "active");
      assert.equal(doc.owner_uid, alice.uid);
      assert.deepEqual(doc.attributes, {
        model: "stable-diffusion",
        resolution: "1024x1024",
        user_id: "123",
      });
      const startMs = (doc.start_time as Timestamp).toMillis();
      assert.ok(startMs >= before && startMs <= Date.now());
      assert.equal(
        (doc.expire_at as Timestamp).toMillis() - startMs,
        30 * DAY_MS,
        "default retention is 30 days",
      );
    });

    it("defaults trace_type to CUSTOM_TRACE", async () => {
      const res = await start(alice, { name: "custom_operation" });
      assert.equal((await traceDoc(res.trace_id))?.trace_type, "CUSTOM_TRACE");
    });

    it("rejects a caller who is not signed in, writing nothing", async () => {
      const err = await rejection(call(fns.startTrace, { name: "x" }));
      assert.equal(err.code, "unauthenticated");
      assert.equal(await countAllDocuments(), 0);
    });
  });

  describe("stopTrace", () => {
    it("measures the duration in seconds with the server clock and merges attributes and metrics", async () => {
      const { trace_id } = await start();
      await sleep(120);
      const res = await call(
        fns.stopTrace,
        {
          trace_id,
          attributes: { result_status: "success", items_processed: 100 },
          metrics: { frames_generated: 30 },
        },
        alice,
      );
      assert.deepEqual(Object.keys(res).sort(), ["duration", "message", "success", "trace_id"]);
      assert.equal(res.success, true);
      assert.equal(res.trace_id, trace_id);
      assert.equal(res.message, "Trace stopped successfully");
      assert.ok(res.duration >= 0.12 && res.duration < 10, `duration ${res.duration} s`);
      const doc = await traceDoc(trace_id);
      assert.equal(doc?.status, "finished");
      assert.equal(doc?.duration, res.duration);
      assert.equal(
        (doc?.end_time as Timestamp).toMillis() - (doc?.start_time as Timestamp).toMillis(),
        Math.round(res.duration * 1000),
      );
      assert.deepEqual(doc?.attributes, { result_status: "success", items_processed: 100 });
      assert.deepEqual(doc?.metrics, { frames_generated: 30 });
    });

    it("refuses to stop a trace twice and leaves the first stop untouched", async () => {
      const { trace_id } = await start();
      const first = await call(fns.stopTrace, { trace_id }, alice);
      const stored = await adminDb().collection(COLLECTIONS.traces).doc(trace_id).get();
      const err = await rejection(call(fns.stopTrace, { trace_id, attributes: { late: true } }, alice));
      assert.equal(err.code, "failed-precondition");
      const after = await adminDb().collection(COLLECTIONS.traces).doc(trace_id).get();
      assert.ok(after.updateTime?.isEqual(stored.updateTime!), "the refused stop wrote nothing");
      assert.equal(after.get("duration"), first.duration);
    });

    it("lets exactly one of two concurrent stops win", async () => {
      const { trace_id } = await start();
      const results = await Promise.allSettled([
        call(fns.stopTrace, { trace_id, attributes: { by: "one" } }, alice),
        call(fns.stopTrace, { trace_id, attributes: { by: "two" } }, alice),
      ]);
      const won = results.filter((r) => r.status === "fulfilled");
      const lost = results.filter((r): r is PromiseRejectedResult => r.status === "rejected");
      assert.equal(won.length, 1);
      assert.equal(lost[0]?.reason.code, "failed-precondition");
    });

    it("refuses another user's trace", async () => {
      const { trace_id } = await start(alice);
      const err = await rejection(call(fns.stopTrace, { trace_id }, bob));
      assert.equal(err.code, "permission-denied");
      assert.equal((await traceDoc(trace_id))?.status, "active");
    });

    it("answers not-found for an unknown trace, creating nothing", async () => {
      const err = await rejection(
        call(fns.stopTrace, { trace_id: "00000000-0000-4000-8000-000000000000" }, alice),
      );
      assert.equal(err.code, "not-found");
      assert.equal(await countAllDocuments(), 0);
    });

    it("refuses a stop that would take the trace past 32 attributes, writing nothing", async () => {
      const attrs = (prefix: string, n: number) =>
        Object.fromEntries(Array.from({ length: n }, (_, i) => [`${prefix}${i}`, i]));
      const { trace_id } = await start(alice, { name: "wide", attributes: attrs("a", 20) });
      const err = await rejection(
        call(fns.stopTrace, { trace_id, attributes: attrs("b", LIMITS.MAX_ATTRIBUTES - 19) }, alice),
      );
      assert.equal(err.code, "invalid-argument");
      assert.equal(err.details?.field, "attributes");
      const doc = await traceDoc(trace_id);
      assert.equal(doc?.status, "active");
      assert.equal(Object.keys(doc?.attributes ?? {}).length, 20);
      await call(fns.stopTrace, { trace_id, attributes: attrs("b", LIMITS.MAX_ATTRIBUTES - 20) }, alice);
      assert.equal(Object.keys((await traceDoc(trace_id))?.attributes ?? {}).length, LIMITS.MAX_ATTRIBUTES);
    });
  });

  describe("addMetric", () => {
    it("adds a metric and replaces an existing one of the same name", async () => {
      const { trace_id } = await start();
      const res = await call(
        fns.addMetric,
        { trace_id, metric_name: "processing_rate", value: 150.5 },
        alice,
      );
      assert.deepEqual(res, { success: true, trace_id, metric_name: "processing_rate", value: 150.5 });
      await call(fns.addMetric, { trace_id, metric_name: "processing_rate", value: 99 }, alice);
      await call(fns.addMetric, { trace_id, metric_name: "rows", value: 3 }, alice);
      assert.deepEqual((await traceDoc(trace_id))?.metrics, { processing_rate: 99, rows: 3 });
    });

    it("refuses a finished trace and another user's trace", async () => {
      const { trace_id } = await start(alice);
      assert.equal(
        (await rejection(call(fns.addMetric, { trace_id, metric_name: "m", value: 1 }, bob))).code,
        "permission-denied",
      );
      await call(fns.stopTrace, { trace_id }, alice);
      const err = await rejection(call(fns.addMetric, { trace_id, metric_name: "m", value: 1 }, alice));
      assert.equal(err.code, "failed-precondition");
      assert.deepEqual((await traceDoc(trace_id))?.metrics, {});
    });
  });

  describe("recordTraces", () => {
    const batchDocs = async () => (await adminDb().collection(COLLECTIONS.traceBatches).get()).docs;
    const storedTraces = async () => (await batchDocs()).flatMap((d) => d.get("traces") as unknown[]);

    it("stores a client-measured batch in one document", async () => {
      const traces = Array.from({ length: 100 }, (_, i) => recordedTrace(i));
      const res = await call(fns.recordTraces, { batch_id: "batch-1", traces }, alice);
      assert.deepEqual(res, { success: true, batch_id: "batch-1", accepted: 100, duplicate: false });
      const docs = await batchDocs();
      assert.equal(docs.length, 1, "one document write for a batch of 100");
      const stored = docs[0]!.get("traces") as Array<Record<string, unknown>>;
      assert.equal(stored.length, 100);
      assert.equal((stored[0]!.start_time as Timestamp).toDate().toISOString(), traces[0]!.start_time);
      assert.equal(stored[3]!.duration, 0.04);
      assert.deepEqual(stored[0]!.attributes, { method: "GET", status_code: 200, cached: true });
      assert.equal(docs[0]!.get("owner_uid"), alice.uid);
    });

    it("accepts start_time as epoch milliseconds", async () => {
      const startMs = Date.now() - 60_000;
      await call(
        fns.recordTraces,
        { batch_id: "ms", traces: [recordedTrace(0, { start_time: startMs })] },
        alice,
      );
      const [t] = (await storedTraces()) as Array<{ start_time: Timestamp }>;
      assert.equal(t!.start_time.toMillis(), startMs);
    });

    it("stores a retried batch once and says it is a duplicate", async () => {
      const traces = Array.from({ length: 10 }, (_, i) => recordedTrace(i));
      await call(fns.recordTraces, { batch_id: "retry-me", traces }, alice);
      const again = await call(fns.recordTraces, { batch_id: "retry-me", traces }, alice);
      assert.deepEqual(again, { success: true, batch_id: "retry-me", accepted: 10, duplicate: true });
      assert.equal((await storedTraces()).length, 10);
    });

    it("stores concurrent retries of one batch once", async () => {
      const traces = Array.from({ length: 5 }, (_, i) => recordedTrace(i));
      const results = await Promise.all(
        Array.from({ length: 5 }, () => call(fns.recordTraces, { batch_id: "racing", traces }, alice)),
      );
      assert.equal(results.filter((r) => !r.duplicate).length, 1);
      assert.equal((await storedTraces()).length, 5);
    });

    it("keeps two users' batches apart even when their batch ids collide", async () => {
      await call(fns.recordTraces, { batch_id: "same", traces: [recordedTrace(1)] }, alice);
      const res = await call(fns.recordTraces, { batch_id: "same", traces: [recordedTrace(2)] }, bob);
      assert.equal(res.duplicate, false);
      assert.equal((await storedTraces()).length, 2);
    });

    it("stores exactly 50 x N traces from 50 concurrent batches", async () => {
      const N = 20;
      await Promise.all(
        Array.from({ length: 50 }, (_, b) =>
          call(
            fns.recordTraces,
            { batch_id: `c-${b}`, traces: Array.from({ length: N }, (_, i) => recordedTrace(i)) },
            alice,
          ),
        ),
      );
      assert.equal((await batchDocs()).length, 50);
      assert.equal((await storedTraces()).length, 50 * N);
    });

    it("splits a maximal batch over several documents, all or nothing, and dedupes it as one", async () => {
      const wide = Object.fromEntries(
        Array.from({ length: LIMITS.MAX_ATTRIBUTES }, (_, i) => [`attribute_${i}`, "v".repeat(100)]),
      );
      const traces = Array.from({ length: LIMITS.MAX_TRACES_PER_BATCH }, (_, i) =>
        recordedTrace(i, { attributes: wide }),
      );
      const res = await call(fns.recordTraces, { batch_id: "huge", traces }, alice);
      assert.equal(res.accepted, LIMITS.MAX_TRACES_PER_BATCH);
      const docs = await batchDocs();
      assert.ok(docs.length > 1, "a ~2 MB batch cannot fit one 1 MiB document");
      assert.ok(docs.every((d) => d.get("chunk_count") === docs.length));
      assert.equal((await storedTraces()).length, LIMITS.MAX_TRACES_PER_BATCH);
      const again = await call(fns.recordTraces, { batch_id: "huge", traces }, alice);
      assert.deepEqual([again.duplicate, again.accepted], [true, LIMITS.MAX_TRACES_PER_BATCH]);
      assert.equal((await batchDocs()).length, docs.length);
    });
  });

  describe("malformed payloads", () => {
    const callables = {
      startTrace: fns.startTrace,
      stopTrace: fns.stopTrace,
      addMetric: fns.addMetric,
      recordTraces: fns.recordTraces,
    };

    it("has at least 25 distinct cases", () => assert.ok(MALFORMED_PAYLOADS.length >= 25));

    for (const c of MALFORMED_PAYLOADS) {
      it(`${c.request}: ${c.label} -> invalid-argument naming ${c.field}, nothing written`, async () => {
        const fn = callables[c.request] as unknown as CallableFunction<unknown, Promise<unknown>>;
        const err = await rejection(call(fn, c.data, alice));
        assert.equal(err.code, "invalid-argument");
        assert.equal(err.details?.field, c.field);
        assert.ok(err.message.startsWith(c.field), err.message);
        assert.equal(await countAllDocuments(), 0);
      });
    }
  });
});
