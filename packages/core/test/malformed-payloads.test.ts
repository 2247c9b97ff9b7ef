import assert from "node:assert/strict";
import type { z } from "zod";
import {
  ValidationError,
  addMetricRequestSchema,
  parseRequest,
  recordTracesRequestSchema,
  startTraceRequestSchema,
  stopTraceRequestSchema,
} from "../src";
import { MALFORMED_PAYLOADS, WIRE_MALFORMED_PAYLOADS, type RequestName } from "./fixtures/malformed-payloads";

const SCHEMAS: Record<RequestName, z.ZodType> = {
  startTrace: startTraceRequestSchema,
  stopTrace: stopTraceRequestSchema,
  addMetric: addMetricRequestSchema,
  recordTraces: recordTracesRequestSchema,
};

describe("malformed payloads", () => {
  it("is a table of at least 25 distinct rows across all four requests", () => {
    assert.ok(MALFORMED_PAYLOADS.length >= 25);
    assert.equal(new Set(MALFORMED_PAYLOADS.map((row) => row.label)).size, MALFORMED_PAYLOADS.length);
    assert.deepEqual(new Set(MALFORMED_PAYLOADS.map((row) => row.request)), new Set(Object.keys(SCHEMAS)));
  });

  it("keeps only JSON-encodable rows for the wire", () => {
    assert.ok(WIRE_MALFORMED_PAYLOADS.length >= 25);
    for (const row of WIRE_MALFORMED_PAYLOADS) {
      assert.deepEqual(
        JSON.parse(JSON.stringify(row.data)),
        row.data,
        `${row.label} changes when JSON-encoded`,
      );
    }
  });

  for (const { label, request, data, field } of MALFORMED_PAYLOADS) {
    it(`${request}: ${label} -> ${field}`, () => {
      assert.throws(
        () => parseRequest(SCHEMAS[request], data),
        (error: unknown) => {
          assert.ok(error instanceof ValidationError);
          assert.equal(error.field, field);
          assert.ok(error.message.startsWith(`${field}: `), error.message);
          return true;
        },
      );
    });
  }
});
