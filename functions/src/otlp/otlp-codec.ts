/**
 * The OTLP/HTTP wire formats of a trace export (https://opentelemetry.io/docs/specs/otlp/#otlphttp):
 * binary protobuf (application/x-protobuf) and JSON (application/json), optionally gzip-compressed.
 * Protobuf goes through the protobuf.js code OpenTelemetry generated from opentelemetry-proto and
 * ships in @opentelemetry/otlp-transformer (pinned: the last release line that carries it), never a
 * hand-written wire format. Ids: protobuf carries bytes, OTLP/JSON hex; both come out as hex.
 */
import { gunzipSync } from "node:zlib";
import protoRoot from "@opentelemetry/otlp-transformer/build/src/generated/root";
import {
  exportTraceRequestSchema,
  otlpSpanSchema,
  type ExportTraceRequest,
  type OtlpSpan,
} from "./otlp-spans";

export type OtlpFormat = "protobuf" | "json";

/** A body that is not a trace export in the declared encoding: HTTP 400. */
export class OtlpDecodeError extends Error {}

/** A body larger, once decompressed, than a receiver should hold: HTTP 413. */
export class OtlpTooLargeError extends Error {}

interface Message<T> {
  decode(bytes: Uint8Array): unknown;
  toObject(message: unknown, options: Record<string, unknown>): T;
  encode(object: unknown): { finish(): Uint8Array };
}

const collector = (
  protoRoot as unknown as {
    opentelemetry: {
      proto: {
        collector: {
          trace: { v1: Record<"ExportTraceServiceRequest" | "ExportTraceServiceResponse", Message<unknown>> };
        };
      };
    };
  }
).opentelemetry.proto.collector.trace.v1;

/** The format a Content-Type names, or undefined (HTTP 415). */
export function formatOf(contentType: string | undefined): OtlpFormat | undefined {
  const type = contentType?.split(";")[0]?.trim().toLowerCase();
  if (type === "application/x-protobuf") return "protobuf";
  if (type === "application/json") return "json";
  return undefined;
}

/** Bytes as the body was sent, decompressed (Content-Encoding gzip) within `maxBytes`. */
export function inflate(body: Buffer, contentEncoding: string | undefined, maxBytes: number): Buffer {
  const encoding = contentEncoding?.trim().toLowerCase() ?? "";
  if (encoding === "" || encoding === "identity") {
    if (body.length > maxBytes)
      throw new OtlpTooLargeError(`the body is ${body.length} bytes; at most ${maxBytes} are accepted`);
    return body;
  }
  if (encoding !== "gzip")
    throw new OtlpDecodeError(`Content-Encoding ${encoding} is not supported (gzip or none)`);
  try {
    return gunzipSync(body, { maxOutputLength: maxBytes });
  } catch (e) {
    if ((e as { code?: string }).code === "ERR_BUFFER_TOO_LARGE")
      throw new OtlpTooLargeError(`the body inflates past ${maxBytes} bytes`);
    throw new OtlpDecodeError("the body is not valid gzip");
  }
}

const base64ToHex = (b64: string | undefined): string =>
  b64 ? Buffer.from(b64, "base64").toString("hex") : "";

function decodeProtobuf(bytes: Buffer): unknown {
  let message: unknown;
  try {
    message = collector.ExportTraceServiceRequest.decode(bytes);
  } catch (e) {
    throw new OtlpDecodeError(`the body is not an ExportTraceServiceRequest: ${(e as Error).message}`);
  }
  const object = collector.ExportTraceServiceRequest.toObject(message, {
    longs: String,
    enums: Number,
    bytes: String,
    defaults: false,
  }) as {
    resourceSpans?: Array<{ scopeSpans?: Array<{ spans?: Array<Record<string, unknown>> }> }>;
  };
  for (const rs of object.resourceSpans ?? [])
    for (const ss of rs.scopeSpans ?? [])
      for (const span of ss.spans ?? [])
        for (const id of ["traceId", "spanId", "parentSpanId"])
          if (typeof span[id] === "string") span[id] = base64ToHex(span[id] as string);
  return object;
}

function decodeJson(bytes: Buffer): unknown {
  try {
    return JSON.parse(bytes.toString("utf8"));
  } catch {
    throw new OtlpDecodeError("the body is not valid JSON");
  }
}

export interface DecodedSpan {
  span: OtlpSpan;
  resource: ExportTraceRequest["resourceSpans"][number]["resource"];
}

/** The request's spans; a span whose own fields are malformed is returned as a rejection reason. */
export function decodeExport(bytes: Buffer, format: OtlpFormat): Array<DecodedSpan | { rejected: string }> {
  const parsed = exportTraceRequestSchema.safeParse(
    format === "protobuf" ? decodeProtobuf(bytes) : decodeJson(bytes),
  );
  if (!parsed.success)
    throw new OtlpDecodeError(
      `the body is not an ExportTraceServiceRequest: ${parsed.error.issues[0]?.message ?? "malformed"}`,
    );
  return parsed.data.resourceSpans.flatMap((rs) =>
    rs.scopeSpans.flatMap((ss) =>
      ss.spans.map((raw) => {
        const span = otlpSpanSchema.safeParse(raw);
        if (span.success) return { span: span.data, resource: rs.resource };
        const issue = span.error.issues[0];
        return {
          rejected: `a span's ${issue?.path.join(".") || "body"} ${issue?.message ?? "is malformed"}`,
        };
      }),
    ),
  );
}

/** ExportTraceServiceResponse in the request's format: partial_success only when spans were rejected. */
export function encodeResponse(format: OtlpFormat, rejectedSpans: number, errorMessage: string): Buffer {
  const body = rejectedSpans > 0 ? { partialSuccess: { rejectedSpans, errorMessage } } : {};
  if (format === "json") return Buffer.from(JSON.stringify(body));
  return Buffer.from(collector.ExportTraceServiceResponse.encode(body).finish());
}

/** A response decoded back (for tests and clients): the number of rejected spans and the message. */
export function decodeResponse(
  format: OtlpFormat,
  bytes: Buffer,
): { rejectedSpans: number; errorMessage: string } {
  const object = (
    format === "json"
      ? JSON.parse(bytes.toString("utf8") || "{}")
      : collector.ExportTraceServiceResponse.toObject(collector.ExportTraceServiceResponse.decode(bytes), {
          longs: String,
        })
  ) as { partialSuccess?: { rejectedSpans?: string | number; errorMessage?: string } };
  return {
    rejectedSpans: Number(object.partialSuccess?.rejectedSpans ?? 0),
    errorMessage: object.partialSuccess?.errorMessage ?? "",
  };
}
