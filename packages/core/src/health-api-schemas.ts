/**
 * Wire schemas of the health and alert APIs (admin only), snake_case like the contract. Responses are
 * strict so that the REST layer's OpenAPI document and the tests hold answers to exactly these.
 */
import * as z from "zod";
import {
  HEALTH_RULES,
  HEALTH_STATUSES,
  SEVERITIES,
  healthConfigOverridesSchema,
  healthConfigSchema,
} from "./health-rules";
import { count, isoTime, limitSchema, nextPageToken, pageToken, seconds, success } from "./schema-blocks";
import { traceTypeSchema } from "./schemas";

export const ALERTS_DEFAULT_LIMIT = 20;
export const ALERTS_MAX_LIMIT = 100;

/** pending: the finding is new; firing: it held for the hold time (notified); resolved: it cleared after firing. */
export const ALERT_STATUSES = ["pending", "firing", "resolved"] as const;
export type AlertStatus = (typeof ALERT_STATUSES)[number];

export const healthStatusSchema = z.enum(HEALTH_STATUSES);

export const healthRequestSchema = z.strictObject({});

/** The numbers an evaluation used: getStats' over the last hour, p95s and host counts. */
export const healthStatsSchema = z.strictObject({
  window: z.literal("hour"),
  total_traces: count,
  traces_by_type: z.partialRecord(traceTypeSchema, count),
  average_durations: z.partialRecord(traceTypeSchema, seconds),
  slow_operations_count: count,
  /** Per type, over the last hour. */
  p95_durations: z.partialRecord(traceTypeSchema, seconds),
  /** Per type, over the last 24 h: the baseline of the p95 regression rule. */
  baseline_p95_durations: z.partialRecord(traceTypeSchema, seconds),
  hosts_reporting: count,
  hosts_silent: count,
});

/** The contract's health check answer. */
export const healthResponseSchema = z.strictObject({
  success,
  health: z.strictObject({
    status: healthStatusSchema,
    issues: z.array(z.string()),
    stats: healthStatsSchema,
    /** When the health was evaluated. */
    timestamp: isoTime,
  }),
});

export const setHealthConfigRequestSchema = z.strictObject({
  config: healthConfigOverridesSchema,
});

export const setHealthConfigResponseSchema = z.strictObject({
  success,
  /** The effective configuration: defaults with every override applied. */
  config: healthConfigSchema,
});

export const alertsRequestSchema = z.strictObject({
  status: z.enum(ALERT_STATUSES).optional(),
  limit: limitSchema(ALERTS_MAX_LIMIT, ALERTS_DEFAULT_LIMIT),
  page_token: pageToken.optional(),
});

export const alertSchema = z.strictObject({
  id: z.string(),
  rule: z.enum(HEALTH_RULES),
  subject: z.string(),
  status: z.enum(ALERT_STATUSES),
  severity: z.enum(SEVERITIES),
  /** The finding's latest message, e.g. "High CPU usage: 85.2% on web-1". */
  message: z.string(),
  value: z.number(),
  threshold: z.number(),
  started_at: isoTime,
  fired_at: isoTime.nullable(),
  resolved_at: isoTime.nullable(),
});

/** Newest first (by started_at). */
export const alertsResponseSchema = z.strictObject({
  success,
  alerts: z.array(alertSchema),
  next_page_token: nextPageToken,
});

export type HealthStats = z.output<typeof healthStatsSchema>;
export type HealthResponse = z.output<typeof healthResponseSchema>;
export type SetHealthConfigRequest = z.output<typeof setHealthConfigRequestSchema>;
export type AlertsRequest = z.output<typeof alertsRequestSchema>;
export type AlertView = z.output<typeof alertSchema>;
