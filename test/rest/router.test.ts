/** Pure parts of the REST API: path and method matching, query conversion. */
import assert from "node:assert/strict";
import { parseRequest, slowOperationsRequestSchema, ValidationError } from "@aideon-perf/core";
import { queryInput } from "../../functions/src/rest/query";
import { API_PREFIX, matchRoute, type RouteKey } from "../../functions/src/rest/router";

const ROUTES: RouteKey[] = [
  { method: "POST", path: "start-trace" },
  { method: "GET", path: "thresholds" },
  { method: "PUT", path: "thresholds" },
];

describe("rest: router", () => {
  it("matches a method and path under the prefix", () => {
    const match = matchRoute(ROUTES, "PUT", `${API_PREFIX}thresholds`);
    assert.equal(match.kind, "route");
    assert.deepEqual(match.kind === "route" && match.route, { method: "PUT", path: "thresholds" });
  });

  it("answers a known path with another method as not allowed, listing the allowed ones", () => {
    assert.deepEqual(matchRoute(ROUTES, "DELETE", `${API_PREFIX}thresholds`), {
      kind: "method-not-allowed",
      allow: ["GET", "PUT", "OPTIONS"],
    });
    assert.deepEqual(matchRoute(ROUTES, "GET", `${API_PREFIX}start-trace`), {
      kind: "method-not-allowed",
      allow: ["POST", "OPTIONS"],
    });
    assert.deepEqual(matchRoute(ROUTES, "OPTIONS", `${API_PREFIX}start-trace`), {
      kind: "options",
      allow: ["POST", "OPTIONS"],
    });
  });

  it("knows nothing else: other prefixes, trailing slashes, encodings, case", () => {
    for (const path of [
      "/",
      "/api",
      API_PREFIX,
      `${API_PREFIX}nope`,
      `${API_PREFIX}start-trace/`,
      `${API_PREFIX}Start-Trace`,
      `${API_PREFIX}start%2Dtrace`,
      "/api/v2/performance/start-trace",
      "/v1/performance/start-trace",
      `${API_PREFIX}start-trace/x`,
    ]) {
      assert.deepEqual(matchRoute(ROUTES, "POST", path), { kind: "not-found" }, path);
    }
  });
});

describe("rest: query parameters", () => {
  const q = (s: string, numeric: string[] = []) => queryInput(new URLSearchParams(s), numeric);

  it("keeps strings and turns numeric parameters that look like numbers into numbers", () => {
    assert.deepEqual(q("trace_type=HTTP_REQUEST&window=24h"), { trace_type: "HTTP_REQUEST", window: "24h" });
    assert.deepEqual(q("limit=10", ["limit"]), { limit: 10 });
    assert.deepEqual(q("limit=2.5", ["limit"]), { limit: 2.5 });
    assert.deepEqual(q("limit=1e2", ["limit"]), { limit: 100 });
    assert.deepEqual(q("limit=ten", ["limit"]), { limit: "ten" });
    assert.deepEqual(q("limit=", ["limit"]), { limit: "" });
    assert.deepEqual(q("name=10"), { name: "10" }, "only the named parameters are numeric");
    assert.deepEqual(q("name=a%20b&page_token=abc_-"), { name: "a b", page_token: "abc_-" });
  });

  it("turns a repeated parameter into an array, which the schema then rejects naming it", () => {
    assert.deepEqual(q("limit=1&limit=2", ["limit"]), { limit: [1, 2] });
    assert.throws(
      () => parseRequest(slowOperationsRequestSchema, q("limit=1&limit=2", ["limit"])),
      (e: ValidationError) => e.field === "limit",
    );
  });

  it("keeps __proto__ and other Object.prototype names as plain parameters, which the schema rejects naming them", () => {
    for (const query of [
      "__proto__=a&__proto__=b",
      "__proto__=a",
      "constructor=x",
      "toString=1&toString=2",
    ]) {
      const input = q(query, ["limit"]);
      assert.equal(Object.getPrototypeOf(input), Object.prototype, query);
      const key = query.split("=")[0]!;
      assert.ok(Object.hasOwn(input, key), query);
      assert.throws(
        () => parseRequest(slowOperationsRequestSchema, input),
        (e: ValidationError) => e.field === key,
        query,
      );
    }
  });

  it("feeds the same core schema as the callables: defaults, bounds and unknown parameters", () => {
    assert.deepEqual(parseRequest(slowOperationsRequestSchema, q("", ["limit"])), { limit: 10 });
    for (const [query, field] of [
      ["limit=0", "limit"],
      ["limit=101", "limit"],
      ["limit=2.5", "limit"],
      ["limit=ten", "limit"],
      ["limt=5", "limt"],
      ["trace_type=http_request", "trace_type"],
    ]) {
      assert.throws(
        () => parseRequest(slowOperationsRequestSchema, q(query as string, ["limit"])),
        (e: ValidationError) => e.field === field,
        query,
      );
    }
  });
});
