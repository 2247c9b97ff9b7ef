/**
 * End to end: the Firebase client SDK signs in anonymously against the Auth emulator and calls the four
 * callables through the Functions emulator, which runs the built functions against our Firestore.
 */
import assert from "node:assert/strict";
import { setTimeout as sleep } from "node:timers/promises";
import { FunctionsError } from "firebase/functions";
import { WIRE_MALFORMED_PAYLOADS } from "../../packages/core/test/fixtures/malformed-payloads";
import { adminDb, countAllDocuments, clearFirestore, settleAggregation } from "../support/firestore";
import { requireEmulators, type RunningEmulators } from "../support/emulators";
import { createClient, signedInClient, type Client } from "../support/client";

const collection = { traces: "perf_traces", batches: "perf_trace_batches" };

async function callError(p: Promise<unknown>): Promise<FunctionsError> {
  try {
    await p;
  } catch (e) {
    assert.ok(e instanceof FunctionsError, `expected a FunctionsError, got ${String(e)}`);
    return e;
  }
  throw new Error("expected the call to fail");
}

describe("callables end to end (client SDK -> Functions emulator -> Firestore)", function () {
  let emulators: RunningEmulators;
  let alice: Client & { uid: string };
  let bob: Client & { uid: string };
  const extra: Client[] = [];

  before(async function () {
    emulators = await requireEmulators(this, "functions", "auth");
    alice = await signedInClient(emulators);
    bob = await signedInClient(emulators);
  });
  beforeEach(async () => {
    await settleAggregation(); // the previous test's stopped traces and batches are still being aggregated
    await clearFirestore();
  });
  after(async () => {
    await Promise.all([alice, bob, ...extra].filter(Boolean).map((c) => c.close()));
  });

  it("starts, adds a metric to and stops a trace in the contract's shapes", async () => {
    const started = await alice.call<{ success: boolean; trace_id: string; message: string }>("startTrace", {
      name: "custom_operation",
      trace_type: "CUSTOM_TRACE",
      attributes: { operation_type: "data_processing", user_id: "user_123" },
    });
    assert.equal(started.success, true);
    assert.equal(started.message, "Trace started successfully");

    const metric = await alice.call("addMetric", {
      trace_id: started.trace_id,
      metric_name: "processing_rate",
      value: 150.5,
    });
    assert.deepEqual(metric, {
      success: true,
      trace_id: started.trace_id,
      metric_name: "processing_rate",
      value: 150.5,
    });

    await sleep(50);
    const stopped = await alice.call<{
      success: boolean;
      trace_id: string;
      duration: number;
      message: string;
    }>("stopTrace", {
      trace_id: started.trace_id,
      attributes: { result_status: "success", items_processed: 100 },
    });
    assert.equal(stopped.success, true);
    assert.equal(stopped.trace_id, started.trace_id);
    assert.equal(stopped.message, "Trace stopped successfully");
    assert.ok(stopped.duration >= 0.05 && stopped.duration < 30, `duration ${stopped.duration}`);

    const doc = (await adminDb().collection(collection.traces).doc(started.trace_id).get()).data();
    assert.equal(doc?.owner_uid, alice.uid);
    assert.equal(doc?.status, "finished");
    assert.deepEqual(doc?.metrics, { processing_rate: 150.5 });
    assert.deepEqual(doc?.attributes, {
      operation_type: "data_processing",
      user_id: "user_123",
      result_status: "success",
      items_processed: 100,
    });
  });

  it("records a batch once, however often it is retried", async () => {
    const traces = Array.from({ length: 100 }, (_, i) => ({
      name: "db.query users",
      trace_type: "DATABASE_QUERY",
      start_time: new Date(Date.UTC(2024, 11, 6, 14, 30, i % 60)).toISOString(),
      duration: 0.001 * (i + 1),
    }));
    const first = await alice.call("recordTraces", { batch_id: "e2e-batch", traces });
    const retry = await alice.call("recordTraces", { batch_id: "e2e-batch", traces });
    assert.deepEqual(first, { success: true, batch_id: "e2e-batch", accepted: 100, duplicate: false });
    assert.deepEqual(retry, { success: true, batch_id: "e2e-batch", accepted: 100, duplicate: true });
    const docs = (await adminDb().collection(collection.batches).get()).docs;
    assert.equal(docs.length, 1);
    assert.equal((docs[0]!.get("traces") as unknown[]).length, 100);
  });

  it("maps each failure to its callable error code", async () => {
    const anonymous = createClient(emulators);
    extra.push(anonymous);
    assert.equal(
      (await callError(anonymous.call("startTrace", { name: "x" }))).code,
      "functions/unauthenticated",
    );

    const invalid = await callError(
      alice.call("recordTraces", {
        batch_id: "b",
        traces: [{ name: "x", start_time: "2024-12-06T14:30:22Z", duration: -1 }],
      }),
    );
    assert.equal(invalid.code, "functions/invalid-argument");
    assert.match(invalid.message, /^traces\[0\]\.duration: /);
    assert.equal((invalid.details as { field?: string }).field, "traces[0].duration");

    const { trace_id } = await alice.call<{ trace_id: string }>("startTrace", { name: "owned" });
    assert.equal((await callError(bob.call("stopTrace", { trace_id }))).code, "functions/permission-denied");
    assert.equal(
      (await callError(bob.call("stopTrace", { trace_id: "no-such-trace" }))).code,
      "functions/not-found",
    );
    await alice.call("stopTrace", { trace_id });
    assert.equal(
      (await callError(alice.call("stopTrace", { trace_id }))).code,
      "functions/failed-precondition",
    );
    const traces = await adminDb().collection(collection.traces).get();
    assert.deepEqual(
      traces.docs.map((d) => [d.id, d.get("status")]),
      [[trace_id, "finished"]],
      "only the one trace, stopped once",
    );
    assert.equal((await adminDb().collection(collection.batches).count().get()).data().count, 0);
  });

  it("answers every malformed payload that JSON can carry with invalid-argument naming the field", async () => {
    for (const c of WIRE_MALFORMED_PAYLOADS) {
      const err = await callError(alice.call(c.request, c.data));
      assert.equal(err.code, "functions/invalid-argument", c.label);
      assert.equal((err.details as { field?: string }).field, c.field, c.label);
    }
    assert.equal(await countAllDocuments(), 0, "no call wrote anything (nor did any trigger fire)");
  });
});
