import assert from "node:assert/strict";
import { DEFAULT_TRACE_TYPE, METRIC_TYPES, TRACE_TYPES } from "../src";

describe("metric types", () => {
  it("keeps the contract's values for all eight types", () => {
    assert.deepEqual(METRIC_TYPES, {
      HTTP_REQUEST: "http_request",
      DATABASE_QUERY: "database_query",
      EXTERNAL_API: "external_api",
      AI_GENERATION: "ai_generation",
      FILE_OPERATION: "file_operation",
      AUTHENTICATION: "authentication",
      CUSTOM_TRACE: "custom_trace",
      SYSTEM_RESOURCE: "system_resource",
    });
  });

  it("lists the keys as TRACE_TYPES, frozen", () => {
    assert.deepEqual(TRACE_TYPES, Object.keys(METRIC_TYPES));
    assert.ok(Object.isFrozen(TRACE_TYPES));
    assert.ok(Object.isFrozen(METRIC_TYPES));
  });

  it("defaults to CUSTOM_TRACE", () => {
    assert.equal(DEFAULT_TRACE_TYPE, "CUSTOM_TRACE");
    assert.ok(TRACE_TYPES.includes(DEFAULT_TRACE_TYPE));
  });
});
