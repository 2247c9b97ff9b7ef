import * as z from "zod";
import { LIMITS } from "./limits";
import { DEFAULT_TRACE_TYPE, TRACE_TYPES } from "./metric-types";
import { ISO_UTC_MESSAGE, TIMESTAMP_RANGE_MESSAGE, isFirestoreReserved } from "./schema-blocks";

/**
 * One zod schema per wire message, snake_case as in the contract. Objects are strict so a typo'd
 * field is rejected by name instead of silently dropped. Messages are phrased to follow
 * "<field>: " (see validation.ts); generic ones (type, length) come from its error map.
 */

/** trace_id / batch_id: they become Firestore document ids. */
export const documentIdSchema = z
  .string()
  .min(1)
  .max(LIMITS.ID_MAX_LENGTH)
  .regex(/^[A-Za-z0-9_-]+$/, "must contain only letters, digits, _ and -")
  .refine((id) => !isFirestoreReserved(id), "must not have the form __id__ (reserved by Firestore)");

/**
 * What a name may not hold: C0/C1 controls (and DEL), zero-width and directional marks (U+200B-U+200F),
 * bidi embeddings and overrides (U+202A-U+202E, U+2066-U+2069), the BOM / zero-width no-break space
 * (U+FEFF), and lone surrogates (invalid UTF-16: \p{Cs} matches only unpaired ones under /u).
 */
const UNPRINTABLE = /[\p{Cc}\u200B-\u200F\u202A-\u202E\u2066-\u2069\uFEFF]|\p{Cs}/u;

const unprintableMessage = (name: string): string => {
  const char = UNPRINTABLE.exec(name)?.[0] ?? "";
  const code = `U+${(char.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, "0")}`;
  return /\p{Cs}/u.test(char)
    ? `must be valid UTF-16 (it holds a lone surrogate, ${code})`
    : `must not contain control, zero-width or bidirectional-control characters (it holds ${code})`;
};

/** Firebase Performance Monitoring's naming rules (all a name was checked for before the printable rule). */
const withNameRules = (schema: z.ZodString) =>
  schema
    .min(1)
    .max(LIMITS.NAME_MAX_LENGTH)
    .refine((name) => name.trim() === name, "must not start or end with whitespace")
    .refine((name) => !name.startsWith("_"), "must not start with an underscore (reserved)");

/**
 * Trace and metric names as accepted: printable (no control, invisible or direction-changing characters
 * that would make two names look alike or garble a dashboard or chat message), and normalized to NFC so
 * that one name typed two ways (é as one code point or as e + U+0301) is one name. The other rules
 * (length, whitespace, underscore) apply to the NFC form, which is what is stored.
 */
const nameSchema = withNameRules(
  z
    .string()
    .refine((name) => !UNPRINTABLE.test(name), { error: (issue) => unprintableMessage(String(issue.input)) })
    .overwrite((name) => name.normalize("NFC")),
);

/**
 * The one name per trace type under which the aggregates fold the names beyond that type's cardinality
 * budget; reserved so that no recorded trace can land in it and its statistics stay exactly theirs.
 */
export const OTHER_TRACE_NAME = "(other)";

export const traceNameSchema = nameSchema.refine(
  (name) => name !== OTHER_TRACE_NAME,
  `must not be ${OTHER_TRACE_NAME} (reserved for the names over a type's cardinality budget)`,
);
/**
 * A name as the aggregates store it: a recorded trace's name or OTHER_TRACE_NAME. Only the older rules:
 * names stored before the printable rule still read back (and can still be asked for), unchanged.
 */
export const storedTraceNameSchema = withNameRules(z.string());
export const metricNameSchema = nameSchema;

const attributeKeySchema = z
  .string()
  .min(1)
  .max(LIMITS.ATTRIBUTE_KEY_MAX_LENGTH)
  .regex(/^[A-Za-z0-9_]+$/, "must contain only letters, digits and underscores")
  .refine((key) => !isFirestoreReserved(key), "must not have the form __key__ (reserved by Firestore)");

const attributeValueSchema = z.union(
  [z.string().max(LIMITS.ATTRIBUTE_VALUE_MAX_LENGTH), z.number(), z.boolean()],
  "must be a string, a finite number or a boolean",
);

/** A metric value, as metricsSchema takes it (zod's number is finite). */
export const isMetricValue = (value: unknown): value is number =>
  typeof value === "number" && Number.isFinite(value);

/**
 * attributeValueSchema as a predicate, for hot paths (the SDK checks every attribute it sets): about
 * 200 times cheaper than a parse, which then runs only to word the error. Tests hold the two equal.
 */
export const isAttributeValue = (value: unknown): value is string | number | boolean =>
  typeof value === "string"
    ? value.length <= LIMITS.ATTRIBUTE_VALUE_MAX_LENGTH
    : typeof value === "boolean" || isMetricValue(value);

/**
 * Instrumentation trims what it derives from a request (a route, a host, an error class) instead of
 * refusing it: monitoring must never fail the request it watches. Names are trimmed of the whitespace
 * a cut can leave at the end, which a name may not have.
 */
export const fitTraceName = (text: string): string => text.slice(0, LIMITS.NAME_MAX_LENGTH).trim();
export const fitAttributeValue = (text: string): string => text.slice(0, LIMITS.ATTRIBUTE_VALUE_MAX_LENGTH);

const hasAtMost = (max: number) => (record: Record<string, unknown>) => Object.keys(record).length <= max;

export const attributesSchema = z
  .record(attributeKeySchema, attributeValueSchema)
  .refine(hasAtMost(LIMITS.MAX_ATTRIBUTES), `must have at most ${LIMITS.MAX_ATTRIBUTES} entries`);

export const metricsSchema = z
  .record(metricNameSchema, z.number())
  .refine(hasAtMost(LIMITS.MAX_METRICS), `must have at most ${LIMITS.MAX_METRICS} entries`);

export const traceTypeSchema = z.enum(TRACE_TYPES);

/** Seconds, like the contract's `duration: 2.345`. */
export const durationSchema = z
  .number()
  .min(0, "must not be negative")
  .max(LIMITS.MAX_DURATION_SECONDS, `must be at most ${LIMITS.MAX_DURATION_SECONDS} seconds`);

// UTC only: an offset would be a second clock convention to get wrong; fractions up to ns.
const ISO_UTC = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?Z$/;

/** Epoch ms for a well-formed ISO UTC string naming a real instant, else undefined. */
function isoUtcToEpochMs(text: string): number | undefined {
  const match = ISO_UTC.exec(text);
  if (!match) return undefined;
  const [year, month, day, hour, minute, second] = match.slice(1, 7).map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  const fraction = match[7] ?? "";
  const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate();
  // Date.UTC silently rolls 2024-02-30 over to March; reject instead.
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth || hour > 23 || minute > 59 || second > 59) {
    return undefined;
  }
  return Date.UTC(year, month - 1, day, hour, minute, second) + Number(fraction.padEnd(3, "0").slice(0, 3));
}

/** ISO 8601 UTC string or integer epoch ms in; epoch ms out. */
export const startTimeSchema = z
  .union(
    [
      z
        .string()
        .regex(ISO_UTC, ISO_UTC_MESSAGE)
        .refine(
          (text) => !ISO_UTC.test(text) || isoUtcToEpochMs(text) !== undefined,
          "is not a real date and time",
        ),
      z.number().int(),
    ],
    "must be an ISO 8601 UTC timestamp string or whole epoch milliseconds",
  )
  // The refine above guarantees a string here converts.
  .transform((value) => (typeof value === "number" ? value : (isoUtcToEpochMs(value) as number)))
  .pipe(
    z
      .number()
      .min(LIMITS.START_TIME_MIN_MS, TIMESTAMP_RANGE_MESSAGE)
      .max(LIMITS.START_TIME_MAX_MS, TIMESTAMP_RANGE_MESSAGE),
  );

export const startTraceRequestSchema = z.strictObject({
  name: traceNameSchema,
  trace_type: traceTypeSchema.default(DEFAULT_TRACE_TYPE),
  attributes: attributesSchema.optional(),
});

export const stopTraceRequestSchema = z.strictObject({
  trace_id: documentIdSchema,
  attributes: attributesSchema.optional(),
  metrics: metricsSchema.optional(),
});

export const addMetricRequestSchema = z.strictObject({
  trace_id: documentIdSchema,
  metric_name: metricNameSchema,
  value: z.number(),
});

/** A trace measured on the client and shipped in a batch (no server-side start/stop). */
export const recordedTraceSchema = z.strictObject({
  name: traceNameSchema,
  trace_type: traceTypeSchema.default(DEFAULT_TRACE_TYPE),
  start_time: startTimeSchema,
  duration: durationSchema,
  attributes: attributesSchema.optional(),
  metrics: metricsSchema.optional(),
});

/** batch_id makes a client retry idempotent: the same batch is stored once. */
export const recordTracesRequestSchema = z.strictObject({
  batch_id: documentIdSchema,
  traces: z.array(recordedTraceSchema).min(1).max(LIMITS.MAX_TRACES_PER_BATCH),
});

export type Attributes = z.output<typeof attributesSchema>;
export type Metrics = z.output<typeof metricsSchema>;

export type StartTraceRequest = z.output<typeof startTraceRequestSchema>;
export type StartTraceRequestInput = z.input<typeof startTraceRequestSchema>;
export type StopTraceRequest = z.output<typeof stopTraceRequestSchema>;
export type StopTraceRequestInput = z.input<typeof stopTraceRequestSchema>;
export type AddMetricRequest = z.output<typeof addMetricRequestSchema>;
export type AddMetricRequestInput = z.input<typeof addMetricRequestSchema>;
export type RecordedTrace = z.output<typeof recordedTraceSchema>;
export type RecordedTraceInput = z.input<typeof recordedTraceSchema>;
export type RecordTracesRequest = z.output<typeof recordTracesRequestSchema>;
export type RecordTracesRequestInput = z.input<typeof recordTracesRequestSchema>;
