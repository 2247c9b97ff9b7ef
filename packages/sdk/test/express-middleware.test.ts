import assert from "node:assert/strict";
import { createServer } from "node:http";
import express, { type NextFunction, type Request, type Response } from "express";
import type { RecordedTraceInput } from "@aideon-perf/core";
import { closeMonitors, recordingTransport, testMonitor, type RecordingTransport } from "./support";
import { listen, type Listening } from "./http-servers";

function appWith(
  middleware: express.RequestHandler | ReturnType<ReturnType<typeof testMonitor>["expressMiddleware"]>,
) {
  const app = express();
  app.use(middleware);
  const api = express.Router();
  api.get("/items/:id", (req, res) => {
    res.json({ id: req.params.id });
  });
  api.get("/fail", () => {
    throw new Error("boom");
  });
  api.post("/async-fail", async () => {
    throw new Error("async boom");
  });
  app.use("/api", api);
  app.get("/health", (_req, res) => {
    res.send("ok");
  });
  app.use((err: Error, _req: Request, res: Response, _next: NextFunction) => {
    res.status(500).json({ error: err.message });
  });
  return app;
}

describe("sdk: Express middleware (automatic HTTP_REQUEST traces)", () => {
  let transport: RecordingTransport;
  let server: Listening;
  let perf: ReturnType<typeof testMonitor>;

  const traces = async (): Promise<RecordedTraceInput[]> => {
    await perf.flush();
    return transport.traces();
  };

  beforeEach(async () => {
    transport = recordingTransport();
    perf = testMonitor({ transport, autoCollection: true });
    server = await listen(createServer(appWith(perf.expressMiddleware())));
  });
  afterEach(async () => {
    await server.close();
    await closeMonitors();
  });

  it("names each request by method and matched route pattern (mount path included), never the URL", async () => {
    for (const id of ["1", "2", "abc"])
      assert.equal((await fetch(`${server.origin}/api/items/${id}?q=secret`)).status, 200);
    assert.equal((await fetch(`${server.origin}/health`)).status, 200);
    const sent = await traces();
    assert.deepEqual(
      sent.map((t) => t.name),
      ["GET /api/items/:id", "GET /api/items/:id", "GET /api/items/:id", "GET /health"],
    );
    assert.deepEqual(sent[0]!.attributes, {
      method: "GET",
      route: "/api/items/:id",
      status_code: 200,
      response_size: 10,
    });
    assert.equal(sent[0]!.trace_type, "HTTP_REQUEST");
    assert.ok(sent.every((t) => !JSON.stringify(t).includes("secret")));
  });

  it("keeps the route of a request whose handler throws or rejects, with its 500", async () => {
    assert.equal((await fetch(`${server.origin}/api/fail`)).status, 500);
    assert.equal((await fetch(`${server.origin}/api/async-fail`, { method: "POST" })).status, 500);
    const sent = await traces();
    assert.deepEqual(
      sent.map((t) => [t.name, t.attributes?.route, t.attributes?.status_code]),
      [
        ["GET /api/fail", "/api/fail", 500],
        ["POST /api/async-fail", "/api/async-fail", 500],
      ],
    );
  });

  it("gives every unmatched request one name", async () => {
    assert.equal((await fetch(`${server.origin}/no/such/page`)).status, 404);
    assert.equal((await fetch(`${server.origin}/api/nothing`, { method: "DELETE" })).status, 404);
    const sent = await traces();
    assert.deepEqual(
      sent.map((t) => [t.name, t.attributes?.status_code, t.attributes?.route]),
      [
        ["GET (unmatched route)", 404, undefined],
        ["DELETE (unmatched route)", 404, undefined],
      ],
    );
  });

  it("records the caller's traceparent ids; ignores an invalid header", async () => {
    const traceId = "4bf92f3577b34da6a3ce929d0e0e4736";
    await fetch(`${server.origin}/health`, { headers: { traceparent: `00-${traceId}-00f067aa0ba902b7-01` } });
    await fetch(`${server.origin}/health`, { headers: { traceparent: "00-nonsense" } });
    const [joined, plain] = await traces();
    assert.equal(joined!.attributes?.trace_id, traceId);
    assert.equal(joined!.attributes?.parent_span_id, "00f067aa0ba902b7");
    assert.equal(plain!.attributes?.trace_id, undefined);
  });

  it("measures until the response is finished", async () => {
    const slow = express();
    slow.use(perf.expressMiddleware());
    slow.get("/slow", (_req, res) => {
      setTimeout(() => res.send("done"), 60);
    });
    const slowServer = await listen(createServer(slow));
    try {
      await (await fetch(`${slowServer.origin}/slow`)).text();
    } finally {
      await slowServer.close();
    }
    const [trace] = await traces();
    assert.ok(trace!.duration >= 0.05 && trace!.duration < 5, `duration ${trace!.duration}`);
  });

  it("records an aborted request once, marked aborted", async () => {
    const hanging = express();
    hanging.use(perf.expressMiddleware());
    hanging.get("/hang", () => undefined);
    const hangingServer = await listen(createServer(hanging));
    try {
      const abort = new AbortController();
      const request = fetch(`${hangingServer.origin}/hang`, { signal: abort.signal });
      await new Promise((r) => setTimeout(r, 50));
      abort.abort();
      await assert.rejects(request);
      await new Promise((r) => setTimeout(r, 50));
    } finally {
      await hangingServer.close();
    }
    const sent = await traces();
    assert.equal(sent.length, 1);
    assert.equal(sent[0]!.attributes?.aborted, true);
    assert.equal(sent[0]!.name, "GET /hang");
  });

  it("leaves req.route working for requests it does not see, and names routes of a mounted sub-app", async () => {
    const app = express();
    app.use("/api", perf.expressMiddleware());
    app.get("/health", (req, res) => {
      res.send(String((req.route as { path: string }).path));
    });
    const admin = express();
    admin.get("/users/:uid", (req, res) => {
      res.send(String((req.route as { path: string }).path));
    });
    app.use("/api/admin", admin);
    const mounted = await listen(createServer(app));
    try {
      assert.equal(await (await fetch(`${mounted.origin}/health`)).text(), "/health");
      assert.equal(await (await fetch(`${mounted.origin}/api/admin/users/7`)).text(), "/users/:uid");
    } finally {
      await mounted.close();
    }
    assert.deepEqual(
      (await traces()).map((t) => t.name),
      ["GET /api/admin/users/:uid"],
    );
  });

  it("autoCollection false (PERFORMANCE_AUTO_COLLECTION=false) passes requests through unrecorded", async () => {
    const off = testMonitor({ transport, autoCollection: false });
    const offServer = await listen(createServer(appWith(off.expressMiddleware())));
    try {
      assert.equal((await fetch(`${offServer.origin}/api/items/1`)).status, 200);
    } finally {
      await offServer.close();
    }
    await off.flush();
    assert.equal(transport.requests.length, 0);
  });
});
