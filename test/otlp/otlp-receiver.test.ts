/**
 * The OTLP/HTTP trace receiver in process: the real handler and services against the test Firestore,
 * fed by OpenTelemetry's own exporters (protobuf, JSON, gzip) and by hand-made payloads for the edges
 * (undecodable bodies, rejected spans, retries, revoked keys).
 */
import assert from "node:assert/strict";
import { gzipSync } from "node:zlib";
import { SpanKind, SpanStatusCode, type Attributes } from "@opentelemetry/api";
import { OTLPTraceExporter as ProtoExporter } from "@opentelemetry/exporter-trace-otlp-proto";
import { OTLPTraceExporter as JsonExporter } from "@opentelemetry/exporter-trace-otlp-http";
import { resourceFromAttributes } from "@opentelemetry/resources";
import { BasicTracerProvider, SimpleSpanProcessor, type SpanExporter } from "@opentelemetry/sdk-trace-base";
import { quotaExceeded } from "../../functions/src/admission/admission";
import { COLLECTIONS } from "../../functions/src/firestore";
import { decodeResponse } from "../../functions/src/otlp/otlp-codec";
import { OTLP_TRACES_PATH, otlpTracesHandler } from "../../functions/src/otlp/otlp-receiver";
import { services } from "../../functions/src/services";
import { admin } from "../../functions/test/helpers";
import { adminDb, clearFirestore, ensureFirestore } from "../support/firestore";
import { serve, type Served } from "../rest/support/serve";

interface StoredTrace {
  name: string;
  trace_type: string;
  duration: number;
  attributes: Record<string, unknown>;
}

async function storedTraces(): Promise<StoredTrace[]> {
  const docs = (await adminDb().collection(COLLECTIONS.traceBatches).get()).docs;
  return docs.flatMap((d) => d.data().traces as StoredTrace[]).sort((a, b) => a.name.localeCompare(b.name));
}

/** Spans with known attributes, exported through a real OpenTelemetry exporter. */
async function exportSpans(
  exporter: SpanExporter,
  spans: Array<{ name: string; kind: SpanKind; attributes: Attributes; error?: boolean }>,
): Promise<void> {
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ "service.name": "orders-api" }),
    spanProcessors: [new SimpleSpanProcessor(exporter)],
  });
  const tracer = provider.getTracer("test");
  for (const s of spans) {
    const span = tracer.startSpan(s.name, { kind: s.kind, attributes: s.attributes });
    if (s.error) span.setStatus({ code: SpanStatusCode.ERROR });
    span.end();
  }
  await provider.forceFlush();
  await provider.shutdown();
}

/** An ExportTraceServiceRequest in OTLP/JSON with one span per entry. */
function jsonExport(spans: Array<Record<string, unknown>>): string {
  return JSON.stringify({
    resourceSpans: [
      {
        resource: { attributes: [{ key: "service.name", value: { stringValue: "billing" } }] },
        scopeSpans: [{ spans }],
      },
    ],
  });
}

const span = (i: number, over: Record<string, unknown> = {}) => ({
  traceId: "5b8efff798038103d269b633813fc60c",
  spanId: `eee19b7ec3c1b1${String(i).padStart(2, "0")}`,
  name: `job-${i}`,
  kind: 1,
  startTimeUnixNano: String(BigInt(Date.now()) * 1_000_000n),
  endTimeUnixNano: String((BigInt(Date.now()) + 250n) * 1_000_000n),
  attributes: [],
  ...over,
});

describe("OTLP/HTTP trace receiver (in process)", function () {
  this.timeout(60_000);
  let receiver: Served;
  let key: string;
  let url: string;
  before(async () => {
    await ensureFirestore();
    receiver = await serve(
      otlpTracesHandler({
        authenticate: (k) => services().ingestKeys.authenticate(k),
        traces: () => services().traces,
      }),
    );
    url = `${receiver.origin}${OTLP_TRACES_PATH}`;
  });
  beforeEach(async () => {
    await clearFirestore();
    key = (await services().ingestKeys.create(admin.uid, { name: "otlp-test" })).key;
  });
  after(() => receiver.close());

  const post = (body: string | Buffer, headers: Record<string, string> = {}) =>
    fetch(url, {
      method: "POST",
      headers: { authorization: `Bearer ${key}`, "content-type": "application/json", ...headers },
      body: body as BodyInit,
    });

  const SPANS = [
    {
      name: "GET /orders/:id",
      kind: SpanKind.SERVER,
      attributes: {
        "http.request.method": "GET",
        "http.route": "/orders/:id",
        "http.response.status_code": 200,
      },
    },
    {
      name: "POST",
      kind: SpanKind.SERVER,
      attributes: { "http.method": "POST", "http.route": "/orders", "http.status_code": 500 },
      error: true,
    },
    {
      name: "GET",
      kind: SpanKind.CLIENT,
      attributes: {
        "http.request.method": "GET",
        "server.address": "api.stripe.com",
        "url.full": "https://api.stripe.com/v1/charges",
      },
    },
    {
      name: "GET",
      kind: SpanKind.CLIENT,
      attributes: { "http.method": "GET", "http.url": "http://inventory:8080/items?x=1" },
    },
    {
      name: "SELECT orders",
      kind: SpanKind.CLIENT,
      attributes: { "db.system.name": "postgresql", "db.query.text": "SELECT * FROM orders" },
    },
    { name: "find users", kind: SpanKind.CLIENT, attributes: { "db.system": "mongodb" } },
    {
      name: "chat gpt-4o",
      kind: SpanKind.CLIENT,
      attributes: { "gen_ai.request.model": "gpt-4o", "gen_ai.usage.input_tokens": 12 },
    },
    { name: "render invoice", kind: SpanKind.INTERNAL, attributes: { "invoice.pages": 3, tags: ["a", "b"] } },
  ];
  const EXPECTED = [
    ["GET /orders/:id", "HTTP_REQUEST"],
    ["POST /orders", "HTTP_REQUEST"],
    ["GET api.stripe.com", "EXTERNAL_API"],
    ["GET inventory:8080", "EXTERNAL_API"],
    ["SELECT orders", "DATABASE_QUERY"],
    ["find users", "DATABASE_QUERY"],
    ["chat gpt-4o", "AI_GENERATION"],
    ["render invoice", "CUSTOM_TRACE"],
  ].sort((a, b) => a[0]!.localeCompare(b[0]!));

  for (const [label, make] of [
    ["protobuf", () => new ProtoExporter({ url, headers: { Authorization: `Bearer ${key}` } })],
    ["JSON", () => new JsonExporter({ url, headers: { Authorization: `Bearer ${key}` } })],
    [
      "gzip protobuf",
      () =>
        new ProtoExporter({ url, headers: { Authorization: `Bearer ${key}` }, compression: "gzip" as never }),
    ],
  ] as const) {
    it(`maps each span exported as ${label} to one trace, typed and named by the semantic conventions`, async () => {
      await exportSpans(make(), SPANS);
      const traces = await storedTraces();
      assert.deepEqual(
        traces.map((t) => [t.name, t.trace_type]),
        EXPECTED,
      );
      const byName = new Map(traces.map((t) => [t.name, t]));
      const get = byName.get("GET /orders/:id")!;
      assert.equal(get.attributes.method, "GET");
      assert.equal(get.attributes.route, "/orders/:id");
      assert.equal(get.attributes.status_code, 200);
      assert.equal(get.attributes.service_name, "orders-api");
      assert.equal(get.attributes.span_kind, "server");
      assert.match(String(get.attributes.trace_id), /^[0-9a-f]{32}$/);
      assert.match(String(get.attributes.span_id), /^[0-9a-f]{16}$/);
      assert.equal(byName.get("POST /orders")!.attributes.error, true);
      assert.equal(byName.get("POST /orders")!.attributes.status_code, 500);
      assert.equal(byName.get("GET api.stripe.com")!.attributes.host, "api.stripe.com");
      assert.equal(byName.get("SELECT orders")!.attributes.db_system, "postgresql");
      assert.equal(byName.get("SELECT orders")!.attributes.db_query_text, "SELECT * FROM orders");
      assert.equal(byName.get("chat gpt-4o")!.attributes.gen_ai_request_model, "gpt-4o");
      const custom = byName.get("render invoice")!;
      assert.equal(custom.attributes.invoice_pages, 3);
      assert.equal(custom.attributes.dropped_attributes, 1, "the array attribute is dropped and counted");
      assert.ok(traces.every((t) => t.duration >= 0 && t.duration < 5));
    });
  }

  it("stores a retried export once (the batch id comes from the payload)", async () => {
    const body = jsonExport([span(1), span(2)]);
    for (let i = 0; i < 3; i++) assert.equal((await post(body)).status, 200);
    assert.equal((await storedTraces()).length, 2);
    const gz = gzipSync(Buffer.from(body));
    assert.equal((await post(gz, { "content-encoding": "gzip" })).status, 200);
    assert.equal((await storedTraces()).length, 2, "the same payload gzipped is the same export");
  });

  it("counts rejected spans in partial_success and stores the rest", async () => {
    const res = await post(
      jsonExport([
        span(1),
        span(2, { endTimeUnixNano: "1" }),
        span(3, { startTimeUnixNano: "not-a-time" }),
        span(4, { name: "" }),
      ]),
    );
    assert.equal(res.status, 200);
    const answer = decodeResponse("json", Buffer.from(await res.arrayBuffer()));
    assert.equal(answer.rejectedSpans, 3);
    assert.match(answer.errorMessage, /ends before it starts/);
    assert.deepEqual(
      (await storedTraces()).map((t) => t.name),
      ["job-1"],
    );
  });

  it("answers an export with nothing rejected with an empty ExportTraceServiceResponse", async () => {
    const res = await post(jsonExport([span(1)]));
    assert.equal(res.status, 200);
    assert.deepEqual(await res.json(), {});
  });

  it("answers 400 for an undecodable body, 415 for another type, 405 for GET, and stores nothing", async () => {
    assert.equal((await post("{not json")).status, 400);
    assert.equal(
      (await post(Buffer.from([0xff, 0xff, 0xff, 0x0f]), { "content-type": "application/x-protobuf" }))
        .status,
      400,
    );
    assert.equal((await post("x", { "content-encoding": "gzip" })).status, 400);
    assert.equal((await post(JSON.stringify({ resourceSpans: "nope" }))).status, 400);
    assert.equal((await post("a=b", { "content-type": "application/x-www-form-urlencoded" })).status, 415);
    assert.equal((await fetch(url, { headers: { authorization: `Bearer ${key}` } })).status, 405);
    assert.equal((await storedTraces()).length, 0);
  });

  it("answers 413 for a body that inflates past the limit", async () => {
    const bomb = gzipSync(Buffer.alloc(5 * 1024 * 1024, 0x20));
    assert.equal((await post(bomb, { "content-encoding": "gzip" })).status, 413);
  });

  it("answers 401 without a key, with an ID token, or with a revoked key, and stores nothing", async () => {
    const body = jsonExport([span(1)]);
    assert.equal(
      (await fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body })).status,
      401,
    );
    assert.equal((await post(body, { authorization: "Bearer a.b.c" })).status, 401);
    const keyId = key.split("_")[1]!;
    await services().ingestKeys.revoke({ key_id: keyId });
    assert.equal((await post(body)).status, 401);
    assert.equal((await storedTraces()).length, 0);
  });

  it("answers 429 with Retry-After over quota and 503 with Retry-After when Firestore is busy", async () => {
    const refusing = (error: unknown) =>
      serve(
        otlpTracesHandler({
          authenticate: (k) => services().ingestKeys.authenticate(k),
          traces: () => ({ recordTraces: () => Promise.reject(error) }),
        }),
      );
    for (const [error, status, retryAfter] of [
      [quotaExceeded("principal_minute", 17), 429, "17"],
      [Object.assign(new Error("contention"), { code: 10 }), 503, "1"],
    ] as const) {
      const other = await refusing(error);
      try {
        const res = await fetch(`${other.origin}${OTLP_TRACES_PATH}`, {
          method: "POST",
          headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
          body: jsonExport([span(1)]),
        });
        assert.equal(res.status, status);
        assert.equal(res.headers.get("retry-after"), retryAfter);
      } finally {
        await other.close();
      }
    }
  });

  it("splits an export of more than 500 spans into batches, all stored", async () => {
    const spans = Array.from({ length: 1_200 }, (_, i) =>
      span(i % 100, { name: `bulk-${i % 7}`, spanId: i.toString(16).padStart(16, "0") }),
    );
    const res = await post(jsonExport(spans));
    assert.equal(res.status, 200, await res.clone().text());
    assert.equal((await storedTraces()).length, 1_200);
    assert.equal(
      (await adminDb().collection(COLLECTIONS.traceBatches).get()).docs.filter((d) => d.data().chunk === 0)
        .length,
      3,
    );
  });
});
