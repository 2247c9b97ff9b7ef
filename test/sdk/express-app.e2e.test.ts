/**
 * The example Express app, instrumented with the SDK, against the local pipeline: N requests on its
 * success and error routes become exactly N HTTP_REQUEST traces in the aggregates (recordTraces on the
 * Functions emulator, aggregation triggers fired by the relay), read back with getTraceSummary as an admin.
 */
import assert from "node:assert/strict";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { initPerformance, type PerformanceMonitor } from "@aideon-perf/sdk";
import { createApp } from "../../examples/express-app/src/app";
import { connectToStack, type ConnectedApp } from "../../examples/express-app/src/firebase";
import { adminDb, clearFirestore, TEST_PROJECT_ID } from "../support/firestore";
import { requireEmulators } from "../support/emulators";
import { adminClient, type Client } from "../support/client";
import { waitFor } from "../support/wait";

/** Requests sent, and what each must be recorded as. */
const PLAN = [
  { method: "GET", path: "/api/items/1", times: 5, name: "GET /api/items/:id", status: 200 },
  { method: "GET", path: "/api/items/99", times: 2, name: "GET /api/items/:id", status: 404 },
  { method: "POST", path: "/api/generate", times: 3, name: "POST /api/generate", status: 200 },
  { method: "GET", path: "/api/fail", times: 4, name: "GET /api/fail", status: 500 },
  { method: "GET", path: "/no/such/page", times: 2, name: "GET (unmatched route)", status: 404 },
];
const N = PLAN.reduce((n, p) => n + p.times, 0);

interface Summary {
  count: number;
}

describe("example Express app end to end (SDK middleware -> recordTraces -> aggregates)", function () {
  this.timeout(120_000);
  let example: ConnectedApp;
  let admin: Client;
  let perf: PerformanceMonitor;
  let server: Server;
  let origin: string;

  before(async function () {
    const emulators = await requireEmulators(this, "functions", "auth");
    example = await connectToStack(
      { projectId: TEST_PROJECT_ID, functions: emulators.functions!, auth: emulators.auth! },
      "example-app-e2e",
    );
    admin = await adminClient(emulators);
    perf = initPerformance(example.app, {
      functions: example.functions,
      autoCollection: true,
      flushOnExit: false,
    });
    server = createApp(perf).listen(0, "127.0.0.1");
    await new Promise((resolve) => server.once("listening", resolve));
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    await clearFirestore();
  });
  after(async () => {
    server?.close();
    await perf?.shutdown();
    await Promise.all([example?.close(), admin?.close()]);
  });

  const summary = (req: Record<string, unknown>) =>
    admin.call<{ summary: Summary }>("getTraceSummary", { window: "hour", ...req }).then((r) => r.summary);

  it(`${N} requests on success and error routes become exactly ${N} HTTP_REQUEST traces, by route and status code`, async () => {
    for (const p of PLAN) {
      for (let i = 0; i < p.times; i++) {
        const res = await fetch(`${origin}${p.path}`, {
          method: p.method,
          headers: { "content-type": "application/json" },
          body: p.method === "POST" ? JSON.stringify({ prompt: "hello" }) : undefined,
        });
        assert.equal(res.status, p.status, `${p.method} ${p.path}`);
        await res.arrayBuffer();
      }
    }
    await perf.flush();
    assert.deepEqual(
      [perf.stats().sent, perf.stats().failedBatches, perf.stats().dropped],
      [
        N + 7 + 3, // the requests, plus the handlers' DATABASE_QUERY (7 on items) and AI_GENERATION (3 on generate) traces
        0,
        { queueFull: 0, invalid: 0, sendFailed: 0, shutdown: 0 },
      ],
    );

    const total = await waitFor(
      () => summary({ trace_type: "HTTP_REQUEST" }),
      (s) => s.count >= N,
      30_000,
    );
    assert.equal(total.count, N);
    const expectedByName = new Map<string, number>();
    for (const p of PLAN) expectedByName.set(p.name, (expectedByName.get(p.name) ?? 0) + p.times);
    for (const [name, count] of expectedByName) {
      assert.equal((await summary({ trace_type: "HTTP_REQUEST", name })).count, count, name);
    }
    assert.equal((await summary({ trace_type: "DATABASE_QUERY", name: "items.get" })).count, 7);
    assert.equal((await summary({ trace_type: "AI_GENERATION", name: "ai_text_generation" })).count, 3);

    // Status codes are attributes of the stored traces (aggregates keep durations by type and name).
    const stored = (
      await adminDb().collection("perf_trace_batches").where("owner_uid", "==", example.uid).get()
    ).docs.flatMap(
      (d) =>
        d.get("traces") as Array<{ name: string; trace_type: string; attributes?: Record<string, unknown> }>,
    );
    const seen = stored
      .filter((t) => t.trace_type === "HTTP_REQUEST")
      .map((t) => `${t.name} ${String(t.attributes?.status_code)}`)
      .sort();
    const expected = PLAN.flatMap((p) =>
      Array.from({ length: p.times }, () => `${p.name} ${p.status}`),
    ).sort();
    assert.deepEqual(seen, expected);
  });
});

describe("example Express app with an ingest key (initPerformance({ingestKey, endpoint}) -> REST through Hosting)", function () {
  this.timeout(120_000);
  let perf: PerformanceMonitor;
  let server: Server;
  let origin: string;
  let keyId: string;
  let admin: Client;

  before(async function () {
    const emulators = await requireEmulators(this, "functions", "auth", "hosting");
    admin = await adminClient(emulators);
    const created = await admin.call<{ key: string; key_id: string }>("createIngestKey", {
      name: "example-app",
    });
    keyId = created.key_id;
    perf = initPerformance({
      ingestKey: created.key,
      endpoint: `http://${emulators.hosting!.host}:${emulators.hosting!.port}`,
      flushOnExit: false,
    });
    server = createApp(perf).listen(0, "127.0.0.1");
    await new Promise((resolve) => server.once("listening", resolve));
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(async () => {
    server?.close();
    await perf?.shutdown();
    await admin?.close();
  });

  it(`${N} requests become exactly ${N} HTTP_REQUEST traces stored under the key, with no Firebase app or sign-in`, async () => {
    for (const p of PLAN) {
      for (let i = 0; i < p.times; i++) {
        const res = await fetch(`${origin}${p.path}`, {
          method: p.method,
          headers: { "content-type": "application/json" },
          body: p.method === "POST" ? "{}" : undefined,
        });
        await res.arrayBuffer();
      }
    }
    await perf.flush();
    assert.equal(perf.stats().failedBatches, 0);
    const stored = (
      await adminDb().collection("perf_trace_batches").where("ingest_key_id", "==", keyId).get()
    ).docs.flatMap(
      (d) =>
        d.get("traces") as Array<{ name: string; trace_type: string; attributes?: Record<string, unknown> }>,
    );
    const seen = stored
      .filter((t) => t.trace_type === "HTTP_REQUEST")
      .map((t) => `${t.name} ${String(t.attributes?.status_code)}`)
      .sort();
    assert.deepEqual(
      seen,
      PLAN.flatMap((p) => Array.from({ length: p.times }, () => `${p.name} ${p.status}`)).sort(),
    );
    const remote = await perf.startRemoteTrace("nightly-export", "CUSTOM_TRACE");
    await remote.addMetric("rows", 3);
    assert.ok((await remote.stop()) >= 0, "server-clocked traces work with the key too");
  });

  it("a revoked key's batch fails at once and is counted, not retried", async () => {
    await admin.call("revokeIngestKey", { key_id: keyId });
    const retriesBefore = perf.stats().retries;
    perf.startTrace("after-revocation").stop();
    await perf.flush();
    assert.equal(perf.stats().failedBatches, 1);
    assert.equal(perf.stats().dropped.sendFailed, 1, "the dropped trace is counted");
    assert.equal(perf.stats().retries, retriesBefore, "a 401 is not retried");
  });
});
