/**
 * OTLP trace export requests as plain data, whichever encoding carried them: the one shape both the
 * protobuf decoder (its toObject) and an OTLP/JSON body are checked against. Unknown fields are ignored,
 * as the OTLP specification asks of receivers.
 */
import * as z from "zod";

/** A 64-bit integer as OTLP/JSON sends it (a decimal string or a number); toObject gives strings. */
const uint64 = z.union([z.string().regex(/^\d+$/), z.number().int().min(0)]).transform((v) => BigInt(v));

export interface AnyValue {
  stringValue?: string;
  boolValue?: boolean;
  intValue?: string | number;
  doubleValue?: number;
  arrayValue?: unknown;
  kvlistValue?: unknown;
  bytesValue?: unknown;
}

const anyValueSchema: z.ZodType<AnyValue> = z.object({
  stringValue: z.string().optional(),
  boolValue: z.boolean().optional(),
  intValue: z.union([z.string(), z.number()]).optional(),
  doubleValue: z.number().optional(),
  arrayValue: z.unknown().optional(),
  kvlistValue: z.unknown().optional(),
  bytesValue: z.unknown().optional(),
});

const keyValueSchema = z.object({ key: z.string(), value: anyValueSchema.optional() });
const attributesSchema = z.array(keyValueSchema).default([]);

export const otlpSpanSchema = z.object({
  traceId: z.string(),
  spanId: z.string(),
  parentSpanId: z.string().optional(),
  name: z.string().default(""),
  kind: z.number().int().default(0),
  startTimeUnixNano: uint64,
  endTimeUnixNano: uint64,
  attributes: attributesSchema,
  status: z.object({ code: z.number().int().optional(), message: z.string().optional() }).optional(),
});

export const exportTraceRequestSchema = z.object({
  resourceSpans: z
    .array(
      z.object({
        resource: z.object({ attributes: attributesSchema }).optional(),
        scopeSpans: z.array(z.object({ spans: z.array(z.unknown()).default([]) })).default([]),
      }),
    )
    .default([]),
});

export type OtlpSpan = z.output<typeof otlpSpanSchema>;
export type KeyValue = z.output<typeof keyValueSchema>;
export type ExportTraceRequest = z.output<typeof exportTraceRequestSchema>;

/** OTLP span kinds (opentelemetry.proto.trace.v1.Span.SpanKind). */
export const SPAN_KIND = {
  UNSPECIFIED: 0,
  INTERNAL: 1,
  SERVER: 2,
  CLIENT: 3,
  PRODUCER: 4,
  CONSUMER: 5,
} as const;
/** OTLP status code ERROR (opentelemetry.proto.trace.v1.Status.StatusCode). */
export const STATUS_CODE_ERROR = 2;
