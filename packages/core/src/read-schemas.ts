/** Wire schemas of the read and configuration APIs (admin only), snake_case like the contract. */
import * as z from "zod";
import { TRACE_TYPES } from "./metric-types";
import { thresholdSchema } from "./thresholds";
import { storedTraceNameSchema, traceTypeSchema } from "./schemas";
import { minuteKeyStart, windowSchema } from "./time-buckets";
import { limitSchema, pageToken } from "./schema-blocks";

export const SLOW_OPERATIONS_DEFAULT_LIMIT = 10;
export const SLOW_OPERATIONS_MAX_LIMIT = 100;

export const statsRequestSchema = z.strictObject({
  window: windowSchema.default("all"),
});

export const traceSummaryRequestSchema = z
  .strictObject({
    trace_type: traceTypeSchema.optional(),
    /** A recorded name, or (other): the names past the type's budget. */
    name: storedTraceNameSchema.optional(),
    window: windowSchema.default("all"),
  })
  // A name's statistics are kept per (type, name): the type says which.
  .refine((r) => r.name === undefined || r.trace_type !== undefined, {
    path: ["trace_type"],
    message: "is required when name is given",
  });

export const slowOperationsRequestSchema = z.strictObject({
  limit: limitSchema(SLOW_OPERATIONS_MAX_LIMIT, SLOW_OPERATIONS_DEFAULT_LIMIT),
  trace_type: traceTypeSchema.optional(),
  page_token: pageToken.optional(),
});

export const TRACE_NAMES_DEFAULT_LIMIT = 100;
export const TRACE_NAMES_MAX_LIMIT = 1_000;

/** The name registry of one type: the names aggregated recently (within the registry's retention). */
export const traceNamesRequestSchema = z.strictObject({
  trace_type: traceTypeSchema,
  limit: limitSchema(TRACE_NAMES_MAX_LIMIT, TRACE_NAMES_DEFAULT_LIMIT),
});

/** A minute set aside by the fold (its dead letter's subject), to fold again after a fix. */
export const refoldMinuteRequestSchema = z.strictObject({
  minute: z
    .string()
    .refine(
      (key) => minuteKeyStart(key) !== null,
      "must be a minute bucket key such as m202612021430 (a fold dead letter's subject)",
    ),
});

/** Today's recording refusals (UTC day): the project's and the most refused principals'. */
export const quotaUsageRequestSchema = z.strictObject({
  limit: limitSchema(100, 20),
});

export const setThresholdsRequestSchema = z.strictObject({
  /** Per type: a new threshold, or null to go back to the default. */
  thresholds: z
    .partialRecord(z.enum(TRACE_TYPES), thresholdSchema.nullable())
    .refine((t) => Object.keys(t).length > 0, "must name at least one trace type"),
});

export type StatsRequest = z.output<typeof statsRequestSchema>;
export type TraceSummaryRequest = z.output<typeof traceSummaryRequestSchema>;
export type SlowOperationsRequest = z.output<typeof slowOperationsRequestSchema>;
export type TraceNamesRequest = z.output<typeof traceNamesRequestSchema>;
export type RefoldMinuteRequest = z.output<typeof refoldMinuteRequestSchema>;
export type QuotaUsageRequest = z.output<typeof quotaUsageRequestSchema>;
export type SetThresholdsRequest = z.output<typeof setThresholdsRequestSchema>;
