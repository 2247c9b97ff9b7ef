import assert from "node:assert/strict";
import { createServer, type IncomingHttpHeaders } from "node:http";
import express from "express";
import { parseTraceparent } from "../src";
import { closeMonitors, recordingTransport, testMonitor, type RecordingTransport } from "./support";
import { listen, type Listening } from "./http-servers";

describe("sdk: fetch instrumentation (EXTERNAL_API traces, traceparent)", () => {
  let transport: RecordingTransport;
  let perf: ReturnType<typeof testMonitor>;
  let server: Listening;
  let seen: IncomingHttpHeaders[];

  beforeEach(async () => {
    transport = recordingTransport();
    perf = testMonitor({ transport });
    seen = [];
    server = await listen(
      createServer((req, res) => {
        seen.push(req.headers);
        res.statusCode = req.url === "/missing" ? 404 : 200;
        res.end("body");
      }),
    );
  });
  afterEach(async () => {
    await server.close();
    await closeMonitors();
  });

  const sent = async () => {
    await perf.flush();
    return transport.traces();
  };

  it("names a request by method and host, with its status; the path and query stay out", async () => {
    const tracedFetch = perf.wrapFetch(fetch);
    assert.equal((await tracedFetch(`${server.origin}/users/42?token=secret`)).status, 200);
    assert.equal((await tracedFetch(new URL(`${server.origin}/missing`), { method: "post" })).status, 404);
    assert.equal(
      (await tracedFetch(new Request(`${server.origin}/r`, { method: "PUT", body: "x" }))).status,
      200,
    );
    const host = new URL(server.origin).host;
    const traces = await sent();
    assert.deepEqual(
      traces.map((t) => [
        t.name,
        t.trace_type,
        t.attributes?.method,
        t.attributes?.host,
        t.attributes?.status_code,
      ]),
      [
        [`GET ${host}`, "EXTERNAL_API", "GET", host, 200],
        [`POST ${host}`, "EXTERNAL_API", "POST", host, 404],
        [`PUT ${host}`, "EXTERNAL_API", "PUT", host, 200],
      ],
    );
    assert.ok(!JSON.stringify(traces).includes("secret"));
  });

  it("sends a traceparent whose ids are the trace's trace_id and span_id attributes, keeping the caller's headers", async () => {
    const headers = new Headers({ "x-app": "demo" });
    await perf.wrapFetch(fetch)(`${server.origin}/`, { headers });
    assert.equal(headers.has("traceparent"), false, "the caller's Headers object is not changed");
    const [trace] = await sent();
    assert.equal(seen[0]!["x-app"], "demo");
    assert.deepEqual(parseTraceparent(seen[0]!.traceparent), {
      traceId: trace!.attributes?.trace_id,
      parentSpanId: trace!.attributes?.span_id,
    });
    assert.match(String(trace!.attributes?.trace_id), /^[0-9a-f]{32}$/);
  });

  it("joins the client's trace to the server's: same trace_id, the server's parent is the client's span", async () => {
    const app = express();
    app.use(perf.expressMiddleware());
    app.get("/orders/:id", (_req, res) => {
      res.json({ ok: true });
    });
    const api = await listen(createServer(app));
    try {
      await perf.wrapFetch(fetch)(`${api.origin}/orders/7`);
    } finally {
      await api.close();
    }
    const traces = await sent();
    const client = traces.find((t) => t.trace_type === "EXTERNAL_API")!;
    const serverSide = traces.find((t) => t.trace_type === "HTTP_REQUEST")!;
    assert.equal(serverSide.name, "GET /orders/:id");
    assert.equal(serverSide.attributes?.trace_id, client.attributes?.trace_id);
    assert.equal(serverSide.attributes?.parent_span_id, client.attributes?.span_id);
  });

  it("propagateTo decides which requests carry the header", async () => {
    await perf.wrapFetch(fetch, { propagateTo: () => false })(`${server.origin}/`);
    assert.equal(seen[0]!.traceparent, undefined);
    assert.equal((await sent())[0]!.attributes?.trace_id, undefined);
  });

  it("a failed request is recorded with its error type and the error passed on", async () => {
    const closed = await listen(createServer());
    await closed.close();
    await assert.rejects(perf.wrapFetch(fetch)(`${closed.origin}/`), TypeError);
    const [trace] = await sent();
    assert.equal(trace!.attributes?.error_type, "TypeError");
    assert.equal(trace!.attributes?.status_code, undefined);
  });

  it("never traces the SDK's own callables, nor what `ignore` selects", async () => {
    const calls: string[] = [];
    const fake: typeof fetch = async (input) => {
      calls.push(String(input));
      return new Response("{}");
    };
    const tracedFetch = perf.wrapFetch(fake, { ignore: (url) => url.pathname === "/metrics" });
    await tracedFetch("http://127.0.0.1:5001/demo-project/us-central1/recordTraces", { method: "POST" });
    await tracedFetch("https://us-central1-demo.cloudfunctions.net/stopTrace", { method: "POST" });
    await tracedFetch("http://127.0.0.1:9/metrics");
    await tracedFetch("http://127.0.0.1:9/recordTracesExtra");
    assert.equal(calls.length, 4);
    assert.deepEqual(
      (await sent()).map((t) => t.name),
      ["GET 127.0.0.1:9"],
    );
  });

  it("instrumentFetch replaces globalThis.fetch and restores it", async () => {
    const original = globalThis.fetch;
    const restore = perf.instrumentFetch();
    try {
      assert.notEqual(globalThis.fetch, original);
      await fetch(`${server.origin}/`);
    } finally {
      restore();
    }
    assert.equal(globalThis.fetch, original);
    assert.equal((await sent()).length, 1);
    assert.ok(seen[0]!.traceparent);
  });
});
