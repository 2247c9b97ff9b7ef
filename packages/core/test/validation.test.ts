import assert from "node:assert/strict";
import type { z } from "zod";
import {
  ValidationError,
  addMetricRequestSchema,
  durationSchema,
  parseRequest,
  recordTracesRequestSchema,
  startTraceRequestSchema,
  stopTraceRequestSchema,
} from "../src";
import { VALID_TRACE_ID } from "./fixtures/malformed-payloads";

function errorFor(schema: z.ZodType, data: unknown): ValidationError {
  try {
    parseRequest(schema, data);
  } catch (error) {
    assert.ok(error instanceof ValidationError);
    return error;
  }
  assert.fail("expected a ValidationError");
}

const trace = (overrides: Record<string, unknown> = {}) => ({
  name: "checkout",
  start_time: "2024-12-06T14:30:22Z",
  duration: 1,
  ...overrides,
});

describe("validation", () => {
  describe("ValidationError", () => {
    it("is an Error carrying the field, with the field leading the message", () => {
      const error = new ValidationError("traces[3].duration", "must be at most 86400 seconds");
      assert.ok(error instanceof Error);
      assert.equal(error.name, "ValidationError");
      assert.equal(error.field, "traces[3].duration");
      assert.equal(error.message, "traces[3].duration: must be at most 86400 seconds");
    });
  });

  describe("parseRequest", () => {
    it("returns the typed output on success", () => {
      const request = parseRequest(startTraceRequestSchema, { name: "x" });
      assert.deepEqual(request, { name: "x", trace_type: "CUSTOM_TRACE" });
    });

    it("reports only the first issue", () => {
      const error = errorFor(startTraceRequestSchema, { name: 1, trace_type: "nope", extra: 1 });
      assert.equal(error.field, "name");
    });
  });

  describe("field paths", () => {
    it("names the root (root)", () => {
      assert.equal(errorFor(startTraceRequestSchema, undefined).field, "(root)");
      assert.equal(errorFor(durationSchema, -1).field, "(root)");
    });

    it("indexes arrays and dots into objects", () => {
      const traces = [trace(), trace(), trace(), trace({ duration: 86_400.5 })];
      assert.equal(
        errorFor(recordTracesRequestSchema, { batch_id: "b1", traces }).field,
        "traces[3].duration",
      );
      assert.equal(
        errorFor(startTraceRequestSchema, { name: "x", attributes: { user_id: [] } }).field,
        "attributes.user_id",
      );
      assert.equal(
        errorFor(recordTracesRequestSchema, {
          batch_id: "b1",
          traces: [trace(), trace({ metrics: { frames: "x" } })],
        }).field,
        "traces[1].metrics.frames",
      );
    });

    it("names an unknown key by its own path", () => {
      assert.equal(
        errorFor(startTraceRequestSchema, { name: "x", extra_field: 1, another: 2 }).field,
        "extra_field",
      );
      assert.equal(
        errorFor(recordTracesRequestSchema, { batch_id: "b1", traces: [trace(), trace({ extra: 1 })] }).field,
        "traces[1].extra",
      );
    });

    it("names an invalid record key by its path, verbatim", () => {
      assert.equal(
        errorFor(startTraceRequestSchema, { name: "x", attributes: { "bad key": 1 } }).field,
        "attributes.bad key",
      );
      assert.equal(
        errorFor(recordTracesRequestSchema, { batch_id: "b1", traces: [trace({ attributes: { "a.b": 1 } })] })
          .field,
        "traces[0].attributes.a.b",
      );
    });
  });

  describe("messages", () => {
    const cases: Array<[string, z.ZodType, unknown, string]> = [
      ["missing field", startTraceRequestSchema, {}, "name: is required"],
      ["wrong type", startTraceRequestSchema, { name: 42 }, "name: must be a string, not the number 42"],
      ["non-object body", startTraceRequestSchema, null, "(root): must be an object, not null"],
      ["array body", stopTraceRequestSchema, [], "(root): must be an object, not an array"],
      ["string body", stopTraceRequestSchema, "x", "(root): must be an object, not a string"],
      [
        "too long",
        startTraceRequestSchema,
        { name: "n".repeat(101) },
        "name: must be at most 100 characters long",
      ],
      ["empty", startTraceRequestSchema, { name: "" }, "name: must not be empty"],
      ["whitespace", startTraceRequestSchema, { name: " x" }, "name: must not start or end with whitespace"],
      [
        "underscore",
        startTraceRequestSchema,
        { name: "_x" },
        "name: must not start with an underscore (reserved)",
      ],
      [
        "too many keys",
        stopTraceRequestSchema,
        {
          trace_id: VALID_TRACE_ID,
          metrics: Object.fromEntries(Array.from({ length: 33 }, (_, i) => [`m${i}`, i])),
        },
        "metrics: must have at most 32 entries",
      ],
      [
        "NaN",
        addMetricRequestSchema,
        { trace_id: VALID_TRACE_ID, metric_name: "m", value: NaN },
        "value: must be a finite number, not NaN",
      ],
      [
        "Infinity",
        addMetricRequestSchema,
        { trace_id: VALID_TRACE_ID, metric_name: "m", value: Infinity },
        "value: must be a finite number, not Infinity",
      ],
      [
        "unknown key",
        startTraceRequestSchema,
        { name: "x", extra_field: 1 },
        "extra_field: is not an allowed field",
      ],
      [
        "bad enum value",
        startTraceRequestSchema,
        { name: "x", trace_type: "http_request" },
        "trace_type: must be one of HTTP_REQUEST, DATABASE_QUERY, EXTERNAL_API, AI_GENERATION, FILE_OPERATION, AUTHENTICATION, CUSTOM_TRACE, SYSTEM_RESOURCE",
      ],
      [
        "attribute junk",
        startTraceRequestSchema,
        { name: "x", attributes: { user: { id: 1 } } },
        "attributes.user: must be a string, a finite number or a boolean",
      ],
      [
        "attribute key",
        startTraceRequestSchema,
        { name: "x", attributes: { "bad key": 1 } },
        "attributes.bad key: key must contain only letters, digits and underscores",
      ],
      [
        "attribute key length",
        startTraceRequestSchema,
        { name: "x", attributes: { ["k".repeat(41)]: 1 } },
        `attributes.${"k".repeat(41)}: key must be at most 40 characters long`,
      ],
      [
        "too many traces",
        recordTracesRequestSchema,
        { batch_id: "b1", traces: Array.from({ length: 501 }, () => trace()) },
        "traces: must contain at most 500 items",
      ],
      [
        "no traces",
        recordTracesRequestSchema,
        { batch_id: "b1", traces: [] },
        "traces: must contain at least 1 item",
      ],
      [
        "duration too long",
        recordTracesRequestSchema,
        { batch_id: "b1", traces: [trace({ duration: 86_400.001 })] },
        "traces[0].duration: must be at most 86400 seconds",
      ],
      [
        "negative duration",
        recordTracesRequestSchema,
        { batch_id: "b1", traces: [trace({ duration: -0.001 })] },
        "traces[0].duration: must not be negative",
      ],
      [
        "bad id",
        stopTraceRequestSchema,
        { trace_id: "a/b" },
        "trace_id: must contain only letters, digits, _ and -",
      ],
      [
        "id too long",
        stopTraceRequestSchema,
        { trace_id: "a".repeat(129) },
        "trace_id: must be at most 128 characters long",
      ],
      [
        "bad date",
        recordTracesRequestSchema,
        { batch_id: "b1", traces: [trace({ start_time: "2024-02-30T00:00:00Z" })] },
        "traces[0].start_time: is not a real date and time",
      ],
      [
        "offset",
        recordTracesRequestSchema,
        { batch_id: "b1", traces: [trace({ start_time: "2024-12-06T14:30:22+02:00" })] },
        "traces[0].start_time: must be an ISO 8601 UTC timestamp such as 2024-12-06T14:30:22Z",
      ],
      [
        "start_time type",
        recordTracesRequestSchema,
        { batch_id: "b1", traces: [trace({ start_time: true })] },
        "traces[0].start_time: must be an ISO 8601 UTC timestamp string or whole epoch milliseconds",
      ],
    ];

    for (const [label, schema, data, message] of cases) {
      it(label, () => {
        assert.equal(errorFor(schema, data).message, message);
      });
    }
  });
});
