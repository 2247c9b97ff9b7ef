/**
 * The SDK end to end: traces measured locally, delivered by the real Firebase client SDK through the
 * recordTraces callable on the Functions emulator, and what Firestore then holds. Retries are
 * provoked by a transport that fails once, around the real callable.
 */
import assert from "node:assert/strict";
import type { RecordTracesRequestInput, RecordTracesResponse } from "@aideon-perf/core";
import { FunctionsError } from "firebase/functions";
import {
  callableTransport,
  initPerformance,
  ValidationError,
  type BatchTransport,
  type PerformanceMonitor,
} from "@aideon-perf/sdk";
import { adminDb, clearFirestore } from "../support/firestore";
import { requireEmulators } from "../support/emulators";
import { signedInClient, type Client } from "../support/client";

const BATCHES = "perf_trace_batches";

interface StoredBatch {
  batch_id: string;
  owner_uid: string;
  trace_count: number;
  traces: Array<{
    name: string;
    trace_type: string;
    duration: number;
    attributes?: Record<string, unknown>;
    metrics?: Record<string, number>;
  }>;
}

async function storedBatches(uid: string): Promise<StoredBatch[]> {
  const snap = await adminDb().collection(BATCHES).where("owner_uid", "==", uid).get();
  return snap.docs.map((d) => d.data() as StoredBatch);
}

/** The real callable, with every request kept; `failFirst` makes the first call fail before or after it is sent. */
function observedTransport(client: Client, failFirst?: "before-sending" | "after-storing") {
  const real = callableTransport(client.functions);
  const requests: RecordTracesRequestInput[] = [];
  const responses: RecordTracesResponse[] = [];
  const transport: BatchTransport = async (request) => {
    requests.push(request);
    const first = requests.length === 1;
    if (first && failFirst === "before-sending")
      throw new FunctionsError("unavailable", "connection reset (simulated)");
    const response = await real(request);
    responses.push(response);
    // The server stored the batch, but its answer never arrived.
    if (first && failFirst === "after-storing")
      throw new FunctionsError("deadline-exceeded", "response lost (simulated)");
    return response;
  };
  return { transport, requests, responses };
}

describe("sdk end to end (SDK -> recordTraces callable on the Functions emulator -> Firestore)", function () {
  this.timeout(60_000);
  let client: Client & { uid: string };
  const monitors: PerformanceMonitor[] = [];

  const monitorWith = (transport: BatchTransport) => {
    const perf = initPerformance(client.app, {
      functions: client.functions,
      transport,
      flushOnExit: false,
      initialRetryDelayMs: 10,
      maxRetryDelayMs: 50,
    });
    monitors.push(perf);
    return perf;
  };

  const record = (perf: PerformanceMonitor) => {
    perf
      .startTrace("video_generation", "AI_GENERATION", { model: "stable-diffusion" })
      .addMetric("frames_generated", 30)
      .stop();
    perf.trace("database_operation", "DATABASE_QUERY", (t) => t.addMetric("rows_returned", 3));
    perf.startTrace("GET /api/items/:id", "HTTP_REQUEST", { method: "GET", status_code: 200 }).stop();
  };

  before(async function () {
    const emulators = await requireEmulators(this, "functions", "auth");
    client = await signedInClient(emulators);
  });
  beforeEach(clearFirestore);
  afterEach(async () => {
    await Promise.all(monitors.splice(0).map((m) => m.shutdown()));
  });
  after(async () => client?.close());

  it("delivers locally measured traces as one stored batch, in one call", async () => {
    const observed = observedTransport(client);
    const perf = monitorWith(observed.transport);
    record(perf);
    await perf.flush();
    assert.equal(observed.requests.length, 1);
    assert.deepEqual(observed.responses, [
      { success: true, batch_id: observed.requests[0]!.batch_id, accepted: 3, duplicate: false },
    ]);
    const [batch, ...more] = await storedBatches(client.uid);
    assert.equal(more.length, 0);
    assert.equal(batch!.batch_id, observed.requests[0]!.batch_id);
    assert.deepEqual(
      batch!.traces.map((t) => [t.name, t.trace_type]),
      [
        ["video_generation", "AI_GENERATION"],
        ["database_operation", "DATABASE_QUERY"],
        ["GET /api/items/:id", "HTTP_REQUEST"],
      ],
    );
    assert.deepEqual(batch!.traces[0]!.metrics, { frames_generated: 30 });
    assert.deepEqual(batch!.traces[1]!.attributes, { success: true });
    assert.equal(perf.stats().sent, 3);
  });

  it("a send that fails before reaching the server is retried with the same batch_id and stored once", async () => {
    const observed = observedTransport(client, "before-sending");
    const perf = monitorWith(observed.transport);
    record(perf);
    await perf.flush();
    assert.equal(observed.requests.length, 2);
    assert.equal(observed.requests[1]!.batch_id, observed.requests[0]!.batch_id);
    assert.deepEqual(
      observed.responses.map((r) => r.duplicate),
      [false],
    );
    const batches = await storedBatches(client.uid);
    assert.deepEqual(
      batches.map((b) => [b.batch_id, b.trace_count]),
      [[observed.requests[0]!.batch_id, 3]],
    );
    assert.deepEqual([perf.stats().sent, perf.stats().retries, perf.stats().failedBatches], [3, 1, 0]);
  });

  it("a lost response (stored, but the client saw an error) is retried with the same batch_id and stored once", async () => {
    const observed = observedTransport(client, "after-storing");
    const perf = monitorWith(observed.transport);
    record(perf);
    await perf.flush();
    assert.equal(observed.requests.length, 2);
    assert.equal(observed.requests[1]!.batch_id, observed.requests[0]!.batch_id);
    assert.deepEqual(
      observed.responses.map((r) => [r.accepted, r.duplicate]),
      [
        [3, false],
        [3, true],
      ],
      "the retry finds the batch stored",
    );
    const batches = await storedBatches(client.uid);
    assert.equal(batches.length, 1);
    assert.equal(batches[0]!.traces.length, 3);
    assert.deepEqual([perf.stats().sent, perf.stats().retries], [3, 1]);
  });

  it("invalid input never reaches the callable", async () => {
    const observed = observedTransport(client);
    const perf = monitorWith(observed.transport);
    perf.startTrace("_reserved").stop();
    perf.startTrace("ok").addAttribute("bad-key", 1).stop();
    await perf.flush();
    assert.equal(observed.requests.length, 0);
    assert.equal(perf.stats().dropped.invalid, 2);
  });

  it("remote traces: start, add a metric and stop through the callables; resumable by id", async () => {
    const perf = initPerformance(client.app, { functions: client.functions, flushOnExit: false });
    monitors.push(perf);
    const remote = await perf.startRemoteTrace("video_generation", "AI_GENERATION", {
      model: "stable-diffusion",
    });
    await remote.addMetric("frames_generated", 30);
    const duration = await perf
      .resumeRemoteTrace(remote.traceId)
      .stop({ attributes: { output_format: "mp4" } });
    assert.ok(duration >= 0 && duration < 30, `duration ${duration}`);
    const doc = (await adminDb().collection("perf_traces").doc(remote.traceId).get()).data();
    assert.equal(doc?.status, "finished");
    assert.deepEqual(doc?.metrics, { frames_generated: 30 });
    assert.deepEqual(doc?.attributes, { model: "stable-diffusion", output_format: "mp4" });
    await assert.rejects(
      perf.startRemoteTrace(" padded "),
      (e: unknown) => e instanceof ValidationError && e.field === "name",
    );
  });
});
