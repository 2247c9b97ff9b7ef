/**
 * Seeded random malformed request bodies for the body-taking endpoints. Every case is invalid by
 * construction: a case sent as JSON is kept only if the endpoint's own core schema rejects it (or it is
 * not JSON at all), and any other media type is a 415. So a correct API answers every case with a 4xx
 * and writes nothing.
 */
import type { z } from "zod";
import {
  benchmarkRequestSchema,
  addMetricRequestSchema,
  recordTracesRequestSchema,
  setThresholdsRequestSchema,
  startTraceRequestSchema,
  stopTraceRequestSchema,
} from "@aideon-perf/core";
import { mulberry32 } from "../../../packages/core/test/fixtures/random";

export interface FuzzCase {
  label: string;
  method: "POST" | "PUT";
  path: string;
  admin: boolean;
  body: Uint8Array;
  contentType: string | undefined;
  /**
   * Sent as application/json but not a JSON object or array: the platform's body parser (functions-
   * framework in production, the emulator's runtime locally) rejects these before the function runs.
   */
  platformParsed: boolean;
}

interface BodyRoute {
  method: "POST" | "PUT";
  path: string;
  admin: boolean;
  schema: z.ZodType;
  valid: () => Record<string, unknown>;
}

const ROUTES: BodyRoute[] = [
  {
    method: "POST",
    path: "start-trace",
    admin: false,
    schema: startTraceRequestSchema,
    valid: () => ({ name: "checkout", trace_type: "HTTP_REQUEST", attributes: { region: "eu", retries: 1 } }),
  },
  {
    method: "POST",
    path: "stop-trace",
    admin: false,
    schema: stopTraceRequestSchema,
    valid: () => ({ trace_id: "fuzz-trace", attributes: { ok: true }, metrics: { rows: 3 } }),
  },
  {
    method: "POST",
    path: "add-metric",
    admin: false,
    schema: addMetricRequestSchema,
    valid: () => ({ trace_id: "fuzz-trace", metric_name: "rate", value: 1.5 }),
  },
  {
    method: "POST",
    path: "record-traces",
    admin: false,
    schema: recordTracesRequestSchema,
    valid: () => ({
      batch_id: "fuzz-batch",
      traces: [
        {
          name: "q",
          trace_type: "DATABASE_QUERY",
          start_time: "2024-12-06T14:30:22Z",
          duration: 0.1,
          attributes: { table: "users" },
        },
      ],
    }),
  },
  {
    method: "PUT",
    path: "thresholds",
    admin: true,
    schema: setThresholdsRequestSchema,
    valid: () => ({ thresholds: { HTTP_REQUEST: { good: 1, acceptable: 2, poor: 3 } } }),
  },
  {
    method: "POST",
    path: "benchmark",
    admin: true,
    schema: benchmarkRequestSchema,
    valid: () => ({ test_type: "cpu", duration: 0.1 }),
  },
];

const JSON_TYPES = ["application/json", "application/json; charset=utf-8", "Application/JSON"];
const OTHER_TYPES = [
  "text/plain",
  "application/octet-stream",
  "application/xml",
  "multipart/form-data; boundary=x",
  undefined,
];

type Random = () => number;
const pick = <T>(random: Random, items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
const int = (random: Random, min: number, max: number) => min + Math.floor(random() * (max - min + 1));

function randomValue(random: Random, depth = 0): unknown {
  switch (int(random, 0, depth > 2 ? 5 : 8)) {
    case 0:
      return null;
    case 1:
      return random() < 0.5;
    case 2:
      return pick(random, [-1, 0, -0.5, 1e308, -1e308, 86_401, 2 ** 53, 4.2, 11]);
    case 3:
      return "x".repeat(int(random, 0, 300));
    case 4:
      return pick(random, [
        "",
        " padded ",
        "_hidden",
        "__x__",
        "a/b",
        "ünïcødé",
        "\u0000",
        "HTTP_REQUEST",
        "http_request",
        "2024-02-30T00:00:00Z",
      ]);
    case 5:
      return int(random, -5, 5);
    case 6:
      return Array.from({ length: int(random, 0, 4) }, () => randomValue(random, depth + 1));
    case 7:
      return Object.fromEntries(
        Array.from({ length: int(random, 0, 4) }, (_, i) => [
          pick(random, ["k", "bad key", "_x", `f${i}`, "__proto__"]),
          randomValue(random, depth + 1),
        ]),
      );
    default:
      return { nested: randomValue(random, depth + 1) };
  }
}

function deeplyNested(random: Random): unknown {
  let value: unknown = 1;
  const depth = int(random, 20, 3000);
  for (let i = 0; i < depth; i++) value = random() < 0.5 ? [value] : { a: value };
  return value;
}

/** A JSON value that breaks `valid` in one random way (may, rarely, still be valid: checked by the caller). */
function mutate(random: Random, valid: Record<string, unknown>): unknown {
  const keys = Object.keys(valid);
  const key = pick(random, keys);
  switch (int(random, 0, 11)) {
    case 0: {
      const copy = { ...valid };
      delete copy[key];
      return copy;
    }
    case 1:
      return {
        ...valid,
        [pick(random, ["extra", "duration", "owner_uid", "status", "Name", ""])]: randomValue(random),
      };
    case 2:
      return { ...valid, [key]: randomValue(random) };
    case 3:
      return { ...valid, [key]: deeplyNested(random) };
    case 4:
      return { ...valid, [key]: "y".repeat(int(random, 101, 5000)) };
    case 5:
      return pick(random, [null, 0, -1, "start", true, false, [], [valid], ""]);
    case 6:
      return {};
    case 7:
      return {
        ...valid,
        attributes: Object.fromEntries(Array.from({ length: int(random, 33, 60) }, (_, i) => [`a${i}`, i])),
      };
    case 8:
      return { ...valid, attributes: { [pick(random, ["bad key", "", "k".repeat(41), "__k__", "é"])]: 1 } };
    case 9:
      return { ...valid, metrics: { [pick(random, ["_m", " m", ""])]: 1 } };
    case 10: {
      const traces = Array.from({ length: int(random, 1, 3) }, () => ({
        name: "q",
        start_time: randomValue(random),
        duration: pick(random, [-1, 86_401, "1", null]),
      }));
      return { ...valid, traces };
    }
    default:
      return Object.fromEntries(keys.map((k) => [k, randomValue(random)]));
  }
}

/** Not-JSON text: truncations, stray characters, JavaScript-isms, raw bytes. */
function brokenJson(random: Random, valid: Record<string, unknown>): Uint8Array {
  const text = JSON.stringify(valid);
  switch (int(random, 0, 8)) {
    case 0:
      return Buffer.from(text.slice(0, int(random, 1, text.length - 1)));
    case 1: {
      const at = int(random, 0, text.length);
      return Buffer.from(
        text.slice(0, at) + pick(random, ["}", "{", ",", '"', ":", "]", "\\"]) + text.slice(at),
      );
    }
    case 2:
      return Buffer.from(text.replace(/"/g, "'"));
    case 3:
      return Buffer.from(text.replace(/}$/, ",}"));
    case 4:
      return Buffer.from(
        `{"value": ${pick(random, ["NaN", "Infinity", "-Infinity", "undefined", "0x10", "01"])}}`,
      );
    case 5:
      return Buffer.from(`// comment\n${text}`);
    case 6:
      return Buffer.from(Array.from({ length: int(random, 1, 200) }, () => int(random, 0, 255)));
    case 7:
      return Buffer.concat([Buffer.from('{"name": "'), Buffer.from([0xc3, 0x28, 0xff]), Buffer.from('"}')]);
    default:
      return Buffer.from(
        pick(random, [" ", "\n", "{", "[", '"', "nul", "tru", "{}}", "[]]", '{"a":1}{"b":2}']),
      );
  }
}

/** What body-parser (strict JSON) lets through to the function: an object or array, decoded leniently. */
function platformPassesJson(body: Uint8Array): boolean {
  try {
    const parsed: unknown = JSON.parse(
      Buffer.from(body)
        .toString("utf8")
        .replace(/^\uFEFF/, ""),
    );
    return typeof parsed === "object" && parsed !== null;
  } catch {
    return false;
  }
}

/** Valid UTF-8, valid JSON and a valid request: not malformed at all (a stray "}" inside a string...). */
function acceptedAsJson(schema: z.ZodType, body: Uint8Array): boolean {
  try {
    return !schemaRejects(schema, JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(body)));
  } catch {
    return false;
  }
}

function schemaRejects(schema: z.ZodType, value: unknown): boolean {
  return !schema.safeParse(value).success;
}

export function malformedBodies(count: number, seed: number): FuzzCase[] {
  const random = mulberry32(seed);
  const cases: FuzzCase[] = [];
  while (cases.length < count) {
    const route = pick(random, ROUTES);
    const asJson = random() < 0.75;
    const contentType = asJson ? pick(random, JSON_TYPES) : pick(random, OTHER_TYPES);
    let body: Uint8Array;
    let kind: string;
    if (random() < 0.3) {
      body = brokenJson(random, route.valid());
      kind = "broken JSON";
    } else {
      const value = mutate(random, route.valid());
      // A mutation that happens to be valid is no malformed body: draw again.
      if (asJson && !schemaRejects(route.schema, value)) continue;
      body = Buffer.from(JSON.stringify(value) ?? "");
      kind = "invalid request";
    }
    if (body.length === 0 || (asJson && acceptedAsJson(route.schema, body))) continue;
    cases.push({
      label: `#${cases.length} ${route.method} ${route.path} ${kind} as ${contentType ?? "no Content-Type"}: ${Buffer.from(body).toString("utf8").slice(0, 80)}`,
      method: route.method,
      path: route.path,
      admin: route.admin,
      body,
      contentType,
      platformParsed: asJson && !platformPassesJson(body),
    });
  }
  return cases;
}
