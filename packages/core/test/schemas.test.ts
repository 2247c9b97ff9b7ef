import assert from "node:assert/strict";
import type { z } from "zod";
import {
  LIMITS,
  TRACE_TYPES,
  ValidationError,
  OTHER_TRACE_NAME,
  addMetricRequestSchema,
  attributesSchema,
  durationSchema,
  isAttributeValue,
  isMetricValue,
  metricsSchema,
  parseRequest,
  recordTracesRequestSchema,
  recordedTraceSchema,
  startTimeSchema,
  startTraceRequestSchema,
  stopTraceRequestSchema,
} from "../src";
import { VALID_TRACE_ID } from "./fixtures/malformed-payloads";

function rejects(schema: z.ZodType, data: unknown, field: string): ValidationError {
  try {
    parseRequest(schema, data);
  } catch (error) {
    assert.ok(error instanceof ValidationError, `expected ValidationError, got ${String(error)}`);
    assert.equal(error.field, field, error.message);
    return error;
  }
  assert.fail(`accepted ${JSON.stringify(data)}, expected rejection at ${field}`);
}

const entries = (count: number, value: unknown) =>
  Object.fromEntries(Array.from({ length: count }, (_, i) => [`key_${i}`, value]));

const trace = (overrides: Record<string, unknown> = {}) => ({
  name: "checkout",
  start_time: "2024-12-06T14:30:22Z",
  duration: 1,
  ...overrides,
});

describe("schemas", () => {
  describe("trace and metric names", () => {
    const asTraceName = (name: unknown) => ({ name });
    const asMetricName = (metric_name: unknown) => ({ trace_id: VALID_TRACE_ID, metric_name, value: 1 });
    const asMetricKey = (name: string) => ({ trace_id: VALID_TRACE_ID, metrics: { [name]: 1 } });

    it("accepts 1 and 100 characters, rejects 0 and 101", () => {
      for (const length of [1, 100]) {
        parseRequest(startTraceRequestSchema, asTraceName("n".repeat(length)));
        parseRequest(addMetricRequestSchema, asMetricName("m".repeat(length)));
        parseRequest(stopTraceRequestSchema, asMetricKey("m".repeat(length)));
      }
      for (const length of [0, 101]) {
        rejects(startTraceRequestSchema, asTraceName("n".repeat(length)), "name");
        rejects(addMetricRequestSchema, asMetricName("m".repeat(length)), "metric_name");
      }
      rejects(stopTraceRequestSchema, asMetricKey("m".repeat(101)), `metrics.${"m".repeat(101)}`);
    });

    it("rejects leading or trailing whitespace but allows it inside", () => {
      for (const name of [" checkout", "checkout ", "\tcheckout", "checkout\n", "\u00a0checkout"]) {
        rejects(startTraceRequestSchema, asTraceName(name), "name");
        rejects(addMetricRequestSchema, asMetricName(name), "metric_name");
        rejects(stopTraceRequestSchema, asMetricKey(name), `metrics.${name}`);
      }
      assert.equal(
        parseRequest(startTraceRequestSchema, asTraceName("POST /api/generate")).name,
        "POST /api/generate",
      );
    });

    it("rejects a leading underscore but allows one inside", () => {
      rejects(startTraceRequestSchema, asTraceName("_private"), "name");
      rejects(addMetricRequestSchema, asMetricName("_rate"), "metric_name");
      rejects(stopTraceRequestSchema, asMetricKey("_rows"), "metrics._rows");
      parseRequest(startTraceRequestSchema, asTraceName("video_generation"));
    });

    it("rejects control, zero-width and bidi-control characters and lone surrogates, naming the field and the character", () => {
      const unprintable = [
        "\u0000",
        "\u0007",
        "\u001b",
        "\u007f",
        "\u0085",
        "\u009f",
        "\u200b",
        "\u200d",
        "\u200e",
        "\u200f",
        "\u202a",
        "\u202e",
        "\u2066",
        "\u2069",
        "\ufeff",
      ];
      for (const char of unprintable) {
        const name = `check${char}out`;
        const code = `U+${char.codePointAt(0)!.toString(16).toUpperCase().padStart(4, "0")}`;
        assert.equal(
          rejects(startTraceRequestSchema, asTraceName(name), "name").message,
          `name: must not contain control, zero-width or bidirectional-control characters (it holds ${code})`,
        );
        rejects(addMetricRequestSchema, asMetricName(name), "metric_name");
        rejects(recordTracesRequestSchema, { batch_id: "b1", traces: [trace({ name })] }, "traces[0].name");
        rejects(stopTraceRequestSchema, asMetricKey(name), `metrics.${name}`);
      }
      for (const name of ["a\ud800", "\udc00a", "a\ude00\ud83d"]) {
        assert.match(
          rejects(startTraceRequestSchema, asTraceName(name), "name").message,
          /^name: must be valid UTF-16 \(it holds a lone surrogate, U\+D[89A-F][0-9A-F]{2}\)$/,
        );
        rejects(addMetricRequestSchema, asMetricName(name), "metric_name");
      }
      // Printable non-ASCII is fine: emoji (a surrogate pair), accents, other scripts, a no-break space inside.
      for (const name of ["deploy 🚀", "café", "заказ", "a\u00a0b", "注文"]) {
        assert.equal(parseRequest(startTraceRequestSchema, asTraceName(name)).name, name);
      }
    });

    it("normalizes names to NFC, so one name typed two ways is one name, and checks the NFC form", () => {
      const decomposed = "cafe\u0301";
      assert.equal(parseRequest(startTraceRequestSchema, asTraceName(decomposed)).name, "caf\u00e9");
      assert.equal(parseRequest(addMetricRequestSchema, asMetricName(decomposed)).metric_name, "caf\u00e9");
      assert.deepEqual(parseRequest(stopTraceRequestSchema, asMetricKey(decomposed)).metrics, {
        "caf\u00e9": 1,
      });
      assert.equal(
        parseRequest(recordTracesRequestSchema, { batch_id: "b1", traces: [trace({ name: decomposed })] })
          .traces[0]!.name,
        "caf\u00e9",
      );
      // 101 code units as typed, 100 in NFC: the length limit is the stored form's.
      assert.equal(
        parseRequest(startTraceRequestSchema, asTraceName(`${"n".repeat(99)}e\u0301`)).name.length,
        100,
      );
    });

    it("reserves (other), the over-budget name, for traces but not for metrics", () => {
      rejects(startTraceRequestSchema, asTraceName(OTHER_TRACE_NAME), "name");
      rejects(
        recordTracesRequestSchema,
        {
          batch_id: "b1",
          traces: [{ name: OTHER_TRACE_NAME, start_time: "2024-12-06T14:25:15Z", duration: 1 }],
        },
        "traces[0].name",
      );
      parseRequest(addMetricRequestSchema, asMetricName(OTHER_TRACE_NAME));
      parseRequest(startTraceRequestSchema, asTraceName("(other) things"));
    });
  });

  describe("attributes", () => {
    const withAttributes = (attributes: unknown) => ({ name: "x", attributes });

    it("accepts 32 entries, rejects 33", () => {
      parseRequest(startTraceRequestSchema, withAttributes(entries(32, "v")));
      rejects(startTraceRequestSchema, withAttributes(entries(33, "v")), "attributes");
    });

    it("accepts keys of 1 and 40 characters, rejects 0 and 41", () => {
      parseRequest(startTraceRequestSchema, withAttributes({ k: 1, ["k".repeat(40)]: 1 }));
      rejects(
        startTraceRequestSchema,
        withAttributes({ ["k".repeat(41)]: 1 }),
        `attributes.${"k".repeat(41)}`,
      );
      rejects(startTraceRequestSchema, withAttributes({ "": 1 }), 'attributes.""');
    });

    it("allows only [A-Za-z0-9_] in keys and no Firestore-reserved __key__", () => {
      parseRequest(startTraceRequestSchema, withAttributes({ User_ID_9: 1, _private: 1, __lead: 1 }));
      for (const key of ["bad key", "user-id", "user.id", "ключ", "__name__"]) {
        rejects(startTraceRequestSchema, withAttributes({ [key]: 1 }), `attributes.${key}`);
      }
    });

    it("accepts string values of 100 characters, rejects 101", () => {
      parseRequest(startTraceRequestSchema, withAttributes({ note: "v".repeat(100), empty: "" }));
      rejects(startTraceRequestSchema, withAttributes({ note: "v".repeat(101) }), "attributes.note");
    });

    it("accepts finite numbers and booleans as values", () => {
      const attributes = { status_code: 200, ratio: -0.5, success: true, cached: false };
      assert.deepEqual(parseRequest(attributesSchema, attributes), attributes);
    });

    it("rejects non-finite numbers, null, objects and arrays as values", () => {
      for (const value of [NaN, Infinity, -Infinity, null, { id: 1 }, ["a"], [], {}]) {
        rejects(startTraceRequestSchema, withAttributes({ user_id: value }), "attributes.user_id");
      }
    });

    it("rejects non-object attributes", () => {
      for (const attributes of [null, [], "a=b", 3]) {
        rejects(startTraceRequestSchema, withAttributes(attributes), "attributes");
      }
    });
  });

  describe("metrics", () => {
    const withMetrics = (metrics: unknown) => ({ trace_id: VALID_TRACE_ID, metrics });

    it("accepts 32 entries, rejects 33", () => {
      parseRequest(stopTraceRequestSchema, withMetrics(entries(32, 1)));
      rejects(stopTraceRequestSchema, withMetrics(entries(33, 1)), "metrics");
    });

    it("accepts finite numbers only", () => {
      assert.deepEqual(parseRequest(metricsSchema, { rows: 0, rate: -1.5, big: 1e300 }), {
        rows: 0,
        rate: -1.5,
        big: 1e300,
      });
      for (const value of [NaN, Infinity, "10", true, null, { n: 1 }]) {
        rejects(stopTraceRequestSchema, withMetrics({ rows: value }), "metrics.rows");
      }
    });

    it("rejects a non-finite addMetric value", () => {
      for (const value of [NaN, Infinity, -Infinity, "1"]) {
        rejects(addMetricRequestSchema, { trace_id: VALID_TRACE_ID, metric_name: "rate", value }, "value");
      }
    });
  });

  describe("value predicates (the schemas' rules for hot paths)", () => {
    const values = [
      "",
      "v".repeat(100),
      "v".repeat(101),
      "é".repeat(100),
      0,
      -0.5,
      1e300,
      NaN,
      Infinity,
      -Infinity,
      true,
      false,
      null,
      undefined,
      {},
      [],
      ["a"],
      10n,
    ];
    const accepts = (schema: z.ZodType, data: unknown) => schema.safeParse(data).success;

    it("isAttributeValue accepts exactly the values attributesSchema does", () => {
      for (const value of values) {
        assert.equal(isAttributeValue(value), accepts(attributesSchema, { k: value }), String(value));
      }
    });

    it("isMetricValue accepts exactly the values metricsSchema does", () => {
      for (const value of values) {
        assert.equal(isMetricValue(value), accepts(metricsSchema, { k: value }), String(value));
      }
    });
  });

  describe("trace_type", () => {
    it("defaults to CUSTOM_TRACE for start-trace and recorded traces", () => {
      assert.equal(parseRequest(startTraceRequestSchema, { name: "x" }).trace_type, "CUSTOM_TRACE");
      assert.equal(parseRequest(recordedTraceSchema, trace()).trace_type, "CUSTOM_TRACE");
    });

    it("accepts each of the eight keys", () => {
      for (const trace_type of TRACE_TYPES) {
        assert.equal(parseRequest(startTraceRequestSchema, { name: "x", trace_type }).trace_type, trace_type);
      }
    });

    it("rejects values, other case, null and unknown names", () => {
      for (const trace_type of ["http_request", "Http_Request", "UNKNOWN", "", null, 1]) {
        rejects(startTraceRequestSchema, { name: "x", trace_type }, "trace_type");
      }
    });
  });

  describe("duration", () => {
    it("accepts 0 and 86400 seconds", () => {
      assert.equal(parseRequest(durationSchema, 0), 0);
      assert.equal(parseRequest(durationSchema, 86_400), 86_400);
      assert.equal(parseRequest(durationSchema, 2.345), 2.345);
    });

    it("rejects 86400.001, -0.001, NaN, Infinity and strings", () => {
      for (const duration of [86_400.001, -0.001, NaN, Infinity, -Infinity, "1"]) {
        rejects(
          recordTracesRequestSchema,
          { batch_id: "b1", traces: [trace({ duration })] },
          "traces[0].duration",
        );
      }
    });
  });

  describe("start_time", () => {
    const parse = (value: unknown) => parseRequest(startTimeSchema, value);

    it("normalises ISO 8601 UTC strings to epoch ms", () => {
      assert.equal(parse("2024-12-06T14:30:22Z"), Date.UTC(2024, 11, 6, 14, 30, 22));
      assert.equal(parse("2024-12-06T14:30:22.5Z"), Date.UTC(2024, 11, 6, 14, 30, 22, 500));
      assert.equal(parse("2024-12-06T14:30:22.123Z"), Date.UTC(2024, 11, 6, 14, 30, 22, 123));
      assert.equal(parse("2024-12-06T14:30:22.123999999Z"), Date.UTC(2024, 11, 6, 14, 30, 22, 123));
      assert.equal(parse("2024-02-29T23:59:59Z"), Date.UTC(2024, 1, 29, 23, 59, 59));
    });

    it("passes integer epoch ms through", () => {
      assert.equal(parse(1_733_495_422_000), 1_733_495_422_000);
    });

    it("rejects dates that do not exist", () => {
      for (const text of [
        "2024-02-30T00:00:00Z",
        "2023-02-29T00:00:00Z",
        "2024-04-31T00:00:00Z",
        "2024-13-01T00:00:00Z",
        "2024-00-10T00:00:00Z",
        "2024-12-00T00:00:00Z",
        "2024-12-06T24:00:00Z",
        "2024-12-06T14:60:00Z",
        "2024-12-06T14:30:60Z",
      ]) {
        const error = rejects(startTimeSchema, text, "(root)");
        assert.match(error.message, /not a real date/, text);
      }
    });

    it("rejects non-UTC offsets and other shapes", () => {
      for (const text of [
        "2024-12-06T14:30:22+02:00",
        "2024-12-06T14:30:22-05:00",
        "2024-12-06T14:30:22+00:00",
        "2024-12-06T14:30:22",
        "2024-12-06T14:30:22z",
        "2024-12-06 14:30:22Z",
        "2024-12-06",
        "2024-12-06T14:30Z",
        "2024-12-06T14:30:22.Z",
        "2024-12-06T14:30:22.1234567890Z",
        "Fri, 06 Dec 2024 14:30:22 GMT",
        "1733495422000",
        "",
      ]) {
        const error = rejects(startTimeSchema, text, "(root)");
        assert.match(error.message, /ISO 8601 UTC/, text);
      }
    });

    it("rejects non-integer, non-finite and non-numeric epochs", () => {
      for (const value of [1_733_495_422_000.5, NaN, Infinity, null, true, {}, []]) {
        rejects(startTimeSchema, value, "(root)");
      }
    });

    it("accepts the range edges and rejects one ms beyond, in both forms", () => {
      assert.equal(parse(LIMITS.START_TIME_MIN_MS), LIMITS.START_TIME_MIN_MS);
      assert.equal(parse(LIMITS.START_TIME_MAX_MS), LIMITS.START_TIME_MAX_MS);
      assert.equal(parse("2000-01-01T00:00:00Z"), LIMITS.START_TIME_MIN_MS);
      assert.equal(parse("2100-01-01T00:00:00.000Z"), LIMITS.START_TIME_MAX_MS);
      for (const value of [
        LIMITS.START_TIME_MIN_MS - 1,
        LIMITS.START_TIME_MAX_MS + 1,
        0,
        "1999-12-31T23:59:59.999Z",
        "2100-01-01T00:00:00.001Z",
      ]) {
        assert.match(
          rejects(startTimeSchema, value, "(root)").message,
          /between 2000-01-01T00:00:00Z and 2100-01-01T00:00:00Z/,
        );
      }
    });
  });

  describe("ids", () => {
    it("accepts 1..128 chars of [A-Za-z0-9_-]", () => {
      for (const id of ["a", "a".repeat(128), VALID_TRACE_ID, "Batch_01-x", "__leading"]) {
        assert.equal(parseRequest(stopTraceRequestSchema, { trace_id: id }).trace_id, id);
        assert.equal(
          parseRequest(recordTracesRequestSchema, { batch_id: id, traces: [trace()] }).batch_id,
          id,
        );
      }
    });

    it("rejects empty, 129 chars, other characters and Firestore-reserved ids", () => {
      for (const id of ["", "a".repeat(129), "a/b", "a.b", ".", "..", "a b", "é", "__reserved__", 42, null]) {
        rejects(stopTraceRequestSchema, { trace_id: id }, "trace_id");
        rejects(addMetricRequestSchema, { trace_id: id, metric_name: "m", value: 1 }, "trace_id");
        rejects(recordTracesRequestSchema, { batch_id: id, traces: [trace()] }, "batch_id");
      }
    });
  });

  describe("requests", () => {
    it("parses the contract's examples", () => {
      assert.deepEqual(
        parseRequest(startTraceRequestSchema, {
          name: "custom_operation",
          trace_type: "CUSTOM_TRACE",
          attributes: { operation_type: "data_processing", user_id: "user_123" },
        }),
        {
          name: "custom_operation",
          trace_type: "CUSTOM_TRACE",
          attributes: { operation_type: "data_processing", user_id: "user_123" },
        },
      );
      assert.deepEqual(
        parseRequest(stopTraceRequestSchema, {
          trace_id: VALID_TRACE_ID,
          attributes: { result_status: "success", items_processed: 100 },
        }),
        { trace_id: VALID_TRACE_ID, attributes: { result_status: "success", items_processed: 100 } },
      );
      assert.deepEqual(
        parseRequest(addMetricRequestSchema, {
          trace_id: VALID_TRACE_ID,
          metric_name: "processing_rate",
          value: 150.5,
        }),
        { trace_id: VALID_TRACE_ID, metric_name: "processing_rate", value: 150.5 },
      );
    });

    it("parses a batch, normalising start_time and defaulting trace_type", () => {
      const batch = parseRequest(recordTracesRequestSchema, {
        batch_id: "b1",
        traces: [
          trace({ trace_type: "AI_GENERATION", metrics: { frames_generated: 30 } }),
          trace({ start_time: 1_733_495_422_000 }),
        ],
      });
      assert.deepEqual(batch.traces, [
        {
          name: "checkout",
          trace_type: "AI_GENERATION",
          start_time: 1_733_495_422_000,
          duration: 1,
          metrics: { frames_generated: 30 },
        },
        { name: "checkout", trace_type: "CUSTOM_TRACE", start_time: 1_733_495_422_000, duration: 1 },
      ]);
    });

    it("accepts 500 traces, rejects 501 and 0", () => {
      const traces = Array.from({ length: 500 }, () => trace());
      assert.equal(parseRequest(recordTracesRequestSchema, { batch_id: "b1", traces }).traces.length, 500);
      rejects(recordTracesRequestSchema, { batch_id: "b1", traces: [...traces, trace()] }, "traces");
      rejects(recordTracesRequestSchema, { batch_id: "b1", traces: [] }, "traces");
    });

    it("rejects unknown keys in every request and in nested traces", () => {
      rejects(startTraceRequestSchema, { name: "x", traceType: "HTTP_REQUEST" }, "traceType");
      rejects(stopTraceRequestSchema, { trace_id: VALID_TRACE_ID, end_time: 1 }, "end_time");
      rejects(
        addMetricRequestSchema,
        { trace_id: VALID_TRACE_ID, metric_name: "m", value: 1, unit: "ms" },
        "unit",
      );
      rejects(recordTracesRequestSchema, { batch_id: "b1", traces: [trace()], count: 1 }, "count");
      rejects(recordTracesRequestSchema, { batch_id: "b1", traces: [trace({ id: "x" })] }, "traces[0].id");
      rejects(startTraceRequestSchema, JSON.parse('{"name":"x","__proto__":{"polluted":true}}'), "__proto__");
    });
  });
});
