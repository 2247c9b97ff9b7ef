/**
 * One OTLP span as one recorded trace (pure). The trace type follows the OpenTelemetry semantic
 * conventions, both the stable attribute names and the older ones:
 *   server span with an HTTP method        -> HTTP_REQUEST, "METHOD route" (http.route; else the span name)
 *   client span with an HTTP method        -> EXTERNAL_API, "METHOD host" (server.address, net.peer.name, url)
 *   db.system.name / db.system             -> DATABASE_QUERY, the span name
 *   any gen_ai.* attribute                 -> AI_GENERATION, the span name
 *   anything else                          -> CUSTOM_TRACE, the span name
 * Attributes, within the trace limits (32 keys of [A-Za-z0-9_], values of 100 characters): first the
 * ones we name (ATTRIBUTE_ORDER), then the span's other scalar attributes with "." made "_", in order,
 * while room remains. Array, map and bytes values are dropped; `dropped_attributes` counts every
 * attribute left out.
 */
import {
  fitAttributeValue,
  fitTraceName,
  LIMITS,
  schemaBlocks,
  type RecordedTraceInput,
  type TraceType,
} from "@aideon-perf/core";
import { SPAN_KIND, STATUS_CODE_ERROR, type AnyValue, type KeyValue, type OtlpSpan } from "./otlp-spans";

type Scalar = string | number | boolean;

const METHOD = ["http.request.method", "http.method"];
const STATUS = ["http.response.status_code", "http.status_code"];
const DB_SYSTEM = ["db.system.name", "db.system"];
const PEER_HOST = ["server.address", "net.peer.name", "http.host"];
const URL = ["url.full", "http.url"];

const KIND_NAMES: Record<number, string> = {
  1: "internal",
  2: "server",
  3: "client",
  4: "producer",
  5: "consumer",
};

/** The scalar a value holds, or undefined for arrays, maps, bytes and empty values. */
function scalarOf(value: AnyValue | undefined): Scalar | undefined {
  if (!value) return undefined;
  if (value.stringValue !== undefined) return value.stringValue;
  if (value.boolValue !== undefined) return value.boolValue;
  if (value.intValue !== undefined) {
    const n = Number(value.intValue);
    return Number.isFinite(n) ? n : undefined;
  }
  if (value.doubleValue !== undefined)
    return Number.isFinite(value.doubleValue) ? value.doubleValue : undefined;
  return undefined;
}

function firstOf(attrs: ReadonlyMap<string, Scalar>, keys: readonly string[]): Scalar | undefined {
  for (const key of keys) if (attrs.has(key)) return attrs.get(key);
  return undefined;
}

function hostOf(attrs: ReadonlyMap<string, Scalar>): string | undefined {
  const host = firstOf(attrs, PEER_HOST);
  if (host !== undefined) return String(host);
  const url = firstOf(attrs, URL);
  if (typeof url !== "string") return undefined;
  try {
    return new globalThis.URL(url).host || undefined;
  } catch {
    return undefined;
  }
}

function classify(span: OtlpSpan, attrs: ReadonlyMap<string, Scalar>): { type: TraceType; name: string } {
  const method = firstOf(attrs, METHOD);
  if (method !== undefined && span.kind === SPAN_KIND.SERVER) {
    const route = attrs.get("http.route");
    return { type: "HTTP_REQUEST", name: route !== undefined ? `${method} ${route}` : span.name };
  }
  if (method !== undefined && span.kind === SPAN_KIND.CLIENT) {
    const host = hostOf(attrs);
    return { type: "EXTERNAL_API", name: host !== undefined ? `${method} ${host}` : span.name };
  }
  if (firstOf(attrs, DB_SYSTEM) !== undefined) return { type: "DATABASE_QUERY", name: span.name };
  if ([...attrs.keys()].some((k) => k.startsWith("gen_ai.")))
    return { type: "AI_GENERATION", name: span.name };
  return { type: "CUSTOM_TRACE", name: span.name };
}

/** An OTLP key as one of ours: letters, digits and underscores, at most 40 characters. */
const attributeKey = (key: string): string =>
  key.replace(/[^A-Za-z0-9_]/g, "_").slice(0, LIMITS.ATTRIBUTE_KEY_MAX_LENGTH);
const attributeValue = (v: Scalar): Scalar => (typeof v === "string" ? fitAttributeValue(v) : v);
/** Keys that would read as Firestore-reserved (__x__) are not kept. */
const usableKey = (key: string): boolean => key !== "" && !schemaBlocks.isFirestoreReserved(key);

/** Ids, service and the attributes the type and name came from, ahead of the span's others. */
function namedAttributes(
  span: OtlpSpan,
  attrs: ReadonlyMap<string, Scalar>,
  serviceName: Scalar | undefined,
): Array<[string, Scalar | undefined]> {
  const isHttp = firstOf(attrs, METHOD) !== undefined;
  return [
    ["trace_id", span.traceId],
    ["span_id", span.spanId],
    ["parent_span_id", span.parentSpanId || undefined],
    ["service_name", serviceName],
    ["span_kind", KIND_NAMES[span.kind]],
    ["method", firstOf(attrs, METHOD)],
    ["route", attrs.get("http.route")],
    ["status_code", firstOf(attrs, STATUS)],
    ["host", isHttp && span.kind === SPAN_KIND.CLIENT ? hostOf(attrs) : undefined],
    ["db_system", firstOf(attrs, DB_SYSTEM)],
    ["error", span.status?.code === STATUS_CODE_ERROR ? true : undefined],
  ];
}

/** The span's attributes consumed by namedAttributes (not repeated under their own names). */
const CONSUMED = new Set([...METHOD, ...STATUS, ...DB_SYSTEM, "http.route"]);

export type SpanMapping = { trace: RecordedTraceInput } | { rejected: string };

export function spanToTrace(span: OtlpSpan, resource: readonly KeyValue[]): SpanMapping {
  if (span.endTimeUnixNano < span.startTimeUnixNano)
    return { rejected: `span ${span.spanId}: ends before it starts` };
  const attrs = new Map<string, Scalar>();
  let dropped = 0;
  for (const { key, value } of span.attributes) {
    const scalar = scalarOf(value);
    if (scalar === undefined) dropped++;
    else attrs.set(key, scalar);
  }
  const serviceName = scalarOf(resource.find((kv) => kv.key === "service.name")?.value);
  const { type, name } = classify(span, attrs);

  const kept: Record<string, Scalar> = {};
  const room = LIMITS.MAX_ATTRIBUTES - 1; // one left for dropped_attributes
  for (const [key, value] of namedAttributes(span, attrs, serviceName))
    if (value !== undefined) kept[key] = attributeValue(value);
  for (const [otlpKey, value] of attrs) {
    if (CONSUMED.has(otlpKey)) continue;
    const key = attributeKey(otlpKey);
    if (!usableKey(key) || key in kept || Object.keys(kept).length >= room) dropped++;
    else kept[key] = attributeValue(value);
  }
  if (dropped > 0) kept.dropped_attributes = dropped;

  const durationNs = span.endTimeUnixNano - span.startTimeUnixNano;
  return {
    trace: {
      name: fitTraceName(name.normalize("NFC").trim()),
      trace_type: type,
      start_time: Number(span.startTimeUnixNano / 1_000_000n),
      duration: Number(durationNs) / 1e9,
      attributes: kept,
    },
  };
}
