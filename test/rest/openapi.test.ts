/** The OpenAPI document, generated from the route table and the zod schemas (pure; probed against the live handler elsewhere). */
import assert from "node:assert/strict";
import { METRIC_TYPES } from "@aideon-perf/core";
import { openApiDocument } from "../../functions/src/rest/openapi";
import { apiRoutes } from "../../functions/src/rest/routes";
import { API_PREFIX } from "../../functions/src/rest/router";

const unused = () => assert.fail("not called");
const routes = apiRoutes({ services: unused, benchmark: unused, openApi: unused });
const doc = openApiDocument(routes) as unknown as {
  openapi: string;
  paths: Record<string, Record<string, Operation>>;
  components: { responses: Record<string, unknown>; securitySchemes: Record<string, unknown> };
};

interface Operation {
  operationId: string;
  security: unknown[];
  parameters?: Array<{ name: string; in: string; required: boolean; schema: Record<string, unknown> }>;
  requestBody?: { content: Record<string, { schema: Record<string, unknown> }> };
  responses: Record<string, { $ref?: string; content?: Record<string, { schema: Record<string, unknown> }> }>;
}

const operations = () =>
  Object.entries(doc.paths).flatMap(([path, methods]) =>
    Object.entries(methods).map(([method, op]) => ({ path, method, op })),
  );

/** The issues' list: every endpoint of the contract, plus record-traces, trace-names, PUT thresholds, the dashboard and this document. */
const EXPECTED = [
  "POST start-trace",
  "POST stop-trace",
  "POST add-metric",
  "POST record-traces",
  "GET stats",
  "GET trace-summary",
  "GET trace-names",
  "GET slow-operations",
  "GET system-metrics",
  "GET health",
  "GET dashboard",
  "GET metric-types",
  "GET thresholds",
  "PUT thresholds",
  "POST benchmark",
  "GET openapi.json",
];

describe("rest: OpenAPI document", () => {
  it("is OpenAPI 3.1 and documents exactly the route table, which is exactly the issue's list", () => {
    assert.equal(doc.openapi, "3.1.0");
    const documented = operations().map(
      ({ path, method }) => `${method.toUpperCase()} ${path.slice(API_PREFIX.length)}`,
    );
    assert.deepEqual(documented.sort(), routes.map((r) => `${r.method} ${r.path}`).sort());
    assert.deepEqual(documented.sort(), [...EXPECTED].sort());
    for (const path of Object.keys(doc.paths)) assert.ok(path.startsWith(API_PREFIX), path);
    const ids = operations().map(({ op }) => op.operationId);
    assert.equal(new Set(ids).size, ids.length, "operationIds are unique");
  });

  it("states who may call: public description, any signed-in user for recording, admin for the rest", () => {
    for (const { path, method, op } of operations()) {
      const route = routes.find(
        (r) => `${API_PREFIX}${r.path}` === path && r.method === method.toUpperCase(),
      )!;
      assert.deepEqual(
        op.security,
        route.access === "public" ? [] : [{ firebaseIdToken: [] }],
        `${method} ${path}`,
      );
      assert.equal(
        "403" in op.responses,
        route.access === "admin" || route.serviceErrors.includes(403),
        `${method} ${path}: 403`,
      );
      assert.equal("401" in op.responses, route.access !== "public", `${method} ${path}: 401`);
      assert.equal(
        "429" in op.responses,
        route.rateLimited,
        `${method} ${path} documents 429 iff rate limited`,
      );
    }
    assert.deepEqual(doc.components.securitySchemes.firebaseIdToken, {
      type: "http",
      scheme: "bearer",
      bearerFormat: "JWT",
      description: "A Firebase Auth ID token",
    });
  });

  it("describes request bodies and query parameters from the core schemas", () => {
    const start = doc.paths[`${API_PREFIX}start-trace`]!.post!;
    const body = start.requestBody!.content["application/json"]!.schema as {
      required: string[];
      properties: Record<string, { enum?: string[]; default?: unknown }>;
      additionalProperties: boolean;
    };
    assert.deepEqual(body.required, ["name"]);
    assert.equal(body.additionalProperties, false);
    assert.deepEqual(body.properties.trace_type!.enum, Object.keys(METRIC_TYPES));
    assert.equal(body.properties.trace_type!.default, "CUSTOM_TRACE");

    const slow = doc.paths[`${API_PREFIX}slow-operations`]!.get!;
    const limit = slow.parameters!.find((p) => p.name === "limit")!;
    assert.deepEqual(
      {
        in: limit.in,
        required: limit.required,
        type: limit.schema.type,
        max: limit.schema.maximum,
        def: limit.schema.default,
      },
      { in: "query", required: false, type: "integer", max: 100, def: 10 },
    );
    const summary = doc.paths[`${API_PREFIX}trace-summary`]!.get!;
    assert.deepEqual(summary.parameters!.map((p) => p.name).sort(), ["name", "trace_type", "window"]);
    assert.equal(doc.paths[`${API_PREFIX}stats`]!.get!.requestBody, undefined);
  });

  it("describes responses from the core response schemas, errors by one shared schema", () => {
    const metricTypes = doc.paths[`${API_PREFIX}metric-types`]!.get!.responses["200"]!.content![
      "application/json"
    ]!.schema as {
      properties: { metric_types: { properties: Record<string, { const: string }> } };
    };
    assert.deepEqual(
      Object.fromEntries(
        Object.entries(metricTypes.properties.metric_types.properties).map(([k, v]) => [k, v.const]),
      ),
      METRIC_TYPES,
    );
    for (const { op } of operations()) {
      for (const [status, response] of Object.entries(op.responses)) {
        if (status === "200") continue;
        assert.equal(response.$ref, "#/components/responses/Error");
      }
    }
    assert.ok(doc.components.responses.Error);
    JSON.parse(JSON.stringify(doc));
  });
});
