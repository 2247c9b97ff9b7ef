/**
 * Wire schemas of the REST API that the callables' request schemas do not already cover: the benchmark
 * request, every response body and the error body. The OpenAPI document is generated from these and
 * from the request schemas (z.toJSONSchema), and the tests hold real responses to them, so the document
 * cannot drift from what the API answers.
 */
import * as z from "zod";
import { alertSchema, healthStatusSchema } from "./health-api-schemas";
import { healthConfigSchema } from "./health-rules";
import { METRIC_TYPES, TRACE_TYPES, type TraceType } from "./metric-types";
import {
  count,
  isoTime,
  nextPageToken,
  nonNegative,
  percent,
  seconds,
  secondsOrNull,
  success,
} from "./schema-blocks";
import { traceTypeSchema } from "./schemas";
import { windowSchema } from "./time-buckets";

// ---------------------------------------------------------------------------------------------------
// Benchmark request

export const BENCHMARK_TEST_TYPES = ["cpu", "memory", "firestore"] as const;
export type BenchmarkTestType = (typeof BENCHMARK_TEST_TYPES)[number];
/** A benchmark runs inside a function instance, so it is kept short. */
export const BENCHMARK_MAX_DURATION_SECONDS = 10;
export const BENCHMARK_DEFAULT_DURATION_SECONDS = 1;

export const benchmarkRequestSchema = z.strictObject({
  test_type: z.enum(BENCHMARK_TEST_TYPES),
  /** Seconds, like the contract's `"duration": 2.0`. */
  duration: z
    .number()
    .gt(0, "must be greater than 0 seconds")
    .max(BENCHMARK_MAX_DURATION_SECONDS, `must be at most ${BENCHMARK_MAX_DURATION_SECONDS} seconds`)
    .default(BENCHMARK_DEFAULT_DURATION_SECONDS),
});

export type BenchmarkRequest = z.output<typeof benchmarkRequestSchema>;

// ---------------------------------------------------------------------------------------------------
// Responses (strict: a field added to an answer must be added here, and so to the OpenAPI document)

// The callables answer with these too: snake_case, shaped like the contract's REST responses.
/** What every answer about one trace starts with. */
const traceAnswer = { success, trace_id: z.string() };

export const startTraceResponseSchema = z.strictObject({ ...traceAnswer, message: z.string() });
export type StartTraceResponse = z.output<typeof startTraceResponseSchema>;

export const stopTraceResponseSchema = z.strictObject({
  ...traceAnswer,
  /** Seconds, server clock. */
  duration: seconds,
  message: z.string(),
});
export type StopTraceResponse = z.output<typeof stopTraceResponseSchema>;

export const addMetricResponseSchema = z.strictObject({
  ...traceAnswer,
  metric_name: z.string(),
  value: z.number(),
});
export type AddMetricResponse = z.output<typeof addMetricResponseSchema>;

export const recordTracesResponseSchema = z.strictObject({
  success,
  batch_id: z.string(),
  /** Traces stored by this call. */
  accepted: count,
  /** True when batch_id was already stored (a retry); nothing is written twice. */
  duplicate: z.boolean(),
});
export type RecordTracesResponse = z.output<typeof recordTracesResponseSchema>;

const percentOrNull = percent.nullable();

/**
 * The contract's stats.system_metrics: means over the hosts whose agents still report (percent null
 * while none does).
 */
export const statsSystemMetricsSchema = z.strictObject({
  cpu: z.strictObject({ percent: percentOrNull }),
  memory: z.strictObject({ percent: percentOrNull }),
  disk: z.strictObject({ percent: percentOrNull }),
  hosts: count,
});

/**
 * How much of a window's traffic fell past the per-type name budget: traces counted under `(other)`
 * and the name-minutes folded into it. Type totals include them; a name's own statistics do not.
 */
const cardinalityFields = { names_over_budget: count, other_count: count };

export const statsResponseSchema = z.strictObject({
  success,
  stats: z.strictObject({
    total_traces: count,
    traces_by_type: z.partialRecord(traceTypeSchema, count),
    /** Seconds. */
    average_durations: z.partialRecord(traceTypeSchema, seconds),
    active_traces: count,
    slow_operations_count: count,
    abandoned_traces: count,
    system_metrics: statsSystemMetricsSchema,
    window: windowSchema,
    ...cardinalityFields,
  }),
});

/** The contract's trace-summary shape, plus p50. Seconds; all null when count is 0. */
export const traceSummarySchema = z.strictObject({
  count,
  average_duration: secondsOrNull,
  min_duration: secondsOrNull,
  max_duration: secondsOrNull,
  p50_duration: secondsOrNull,
  p95_duration: secondsOrNull,
  p99_duration: secondsOrNull,
});
export type TraceSummary = z.output<typeof traceSummarySchema>;

export const traceSummaryResponseSchema = z.strictObject({
  success,
  summary: traceSummarySchema,
  /** null: all types together. */
  trace_type: traceTypeSchema.nullable(),
  name: z.string().optional(),
  window: windowSchema,
  ...cardinalityFields,
});

export const slowOperationSchema = z.strictObject({
  /** When the trace ended. */
  timestamp: isoTime,
  message: z.string(),
  type: traceTypeSchema,
  context: z.strictObject({
    duration: seconds,
    threshold: z.number(),
    attributes: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])),
  }),
});

/** Most recently seen first; `(other)` is listed when names of the type went past its budget. */
export const traceNamesResponseSchema = z.strictObject({
  success,
  trace_type: traceTypeSchema,
  /** first_seen and last_seen: the minute the name was first and last aggregated in. */
  names: z.array(z.strictObject({ name: z.string(), first_seen: isoTime, last_seen: isoTime })),
});

export const slowOperationsResponseSchema = z.strictObject({
  success,
  slow_operations: z.array(slowOperationSchema),
  total_count: count,
  next_page_token: nextPageToken,
});

/** The contract's METRIC_TYPES mapping, verbatim: type key -> the contract's lower-case name. */
export const metricTypesResponseSchema = z.strictObject({
  success,
  metric_types: z.strictObject(
    Object.fromEntries(TRACE_TYPES.map((type) => [type, z.literal(METRIC_TYPES[type])])) as {
      [K in TraceType]: z.ZodLiteral<(typeof METRIC_TYPES)[K]>;
    },
  ),
});

const thresholdValuesSchema = z.strictObject({ good: z.number(), acceptable: z.number(), poor: z.number() });

/** The effective thresholds (defaults with the admins' overrides applied), shaped like PERFORMANCE_THRESHOLDS. */
export const thresholdsResponseSchema = z.strictObject({
  success,
  thresholds: z.record(traceTypeSchema, thresholdValuesSchema),
});

const benchmarkCommon = {
  /** Seconds, as requested. */
  requested_duration: z.number(),
  /** Seconds, as measured. */
  actual_duration: z.number(),
};

export const benchmarkResultSchema = z.discriminatedUnion("test_type", [
  z.strictObject({
    test_type: z.literal("cpu"),
    ...benchmarkCommon,
    /** Iterations of a fixed arithmetic loop completed in actual_duration. */
    result: count,
    details: z.strictObject({ iterations: count, iterations_per_second: nonNegative }),
  }),
  z.strictObject({
    test_type: z.literal("memory"),
    ...benchmarkCommon,
    /** Bytes allocated and touched per second. */
    result: nonNegative,
    details: z.strictObject({
      bytes_allocated: count,
      bytes_per_second: nonNegative,
      chunk_bytes: count,
    }),
  }),
  z.strictObject({
    test_type: z.literal("firestore"),
    ...benchmarkCommon,
    /** Write + read round trips on a scratch document completed in actual_duration. */
    result: count,
    details: z.strictObject({
      round_trips: count,
      round_trips_per_second: nonNegative,
      /** Milliseconds; null when no round trip completed. */
      p50_ms: nonNegative.nullable(),
      p95_ms: nonNegative.nullable(),
    }),
  }),
]);

export const benchmarkResponseSchema = z.strictObject({ success, benchmark: benchmarkResultSchema });

// ---------------------------------------------------------------------------------------------------
// Dashboard: the contract's create_performance_dashboard widget list ({type, title, value | data}), its
// three widgets first, then the rest of what the Hosting dashboard shows. `id` is stable (the page's
// data-widget attribute); durations are seconds, percentages 0-100.

/** Windows whose per-type percentiles the dashboard charts (the all-time window is the request's). */
export const DASHBOARD_SERIES_WINDOWS = ["hour", "24h", "7d"] as const;
/** Names per type in the names table: the most recently seen ones, each one name read. */
export const DASHBOARD_NAMES_PER_TYPE = 10;
export const DASHBOARD_SLOW_OPERATIONS = 10;
export const DASHBOARD_ALERTS = 20;

export const dashboardRequestSchema = z.strictObject({
  /** The window of the metrics, the average chart and the names table. */
  window: windowSchema.default("all"),
});

const metricWidget = <I extends string>(id: I) =>
  z.strictObject({ id: z.literal(id), type: z.literal("metric"), title: z.string(), value: count });
const dataWidget = <I extends string, T extends string, D extends z.ZodType>(id: I, type: T, data: D) =>
  z.strictObject({ id: z.literal(id), type: z.literal(type), title: z.string(), data });

const percentilesByType = z.partialRecord(
  traceTypeSchema,
  traceSummarySchema.pick({ count: true, p50_duration: true, p95_duration: true, p99_duration: true }),
);

export const dashboardWidgetSchema = z.discriminatedUnion("id", [
  metricWidget("total-traces"),
  dataWidget("average-durations", "chart", z.partialRecord(traceTypeSchema, seconds)),
  /** null: no agent reporting. */
  z.strictObject({
    id: z.literal("cpu-gauge"),
    type: z.literal("gauge"),
    title: z.string(),
    value: percentOrNull,
  }),
  metricWidget("active-traces"),
  metricWidget("abandoned-traces"),
  metricWidget("slow-operations-count"),
  dataWidget(
    "durations-by-type",
    "chart",
    z.strictObject({
      windows: z.strictObject({
        hour: percentilesByType,
        "24h": percentilesByType,
        "7d": percentilesByType,
      } satisfies Record<(typeof DASHBOARD_SERIES_WINDOWS)[number], z.ZodType>),
      thresholds: z.record(traceTypeSchema, thresholdValuesSchema),
    }),
  ),
  dataWidget(
    "trace-names",
    "table",
    z.array(
      z.strictObject({
        trace_type: traceTypeSchema,
        name: z.string(),
        count,
        p95_duration: secondsOrNull,
        slow_count: count,
        last_seen: isoTime,
      }),
    ),
  ),
  dataWidget("slow-operations", "list", z.array(slowOperationSchema)),
  dataWidget(
    "hosts",
    "table",
    z.array(
      z.strictObject({
        host_id: z.string(),
        cpu_percent: percent,
        memory_percent: percent,
        disk_percent: percent,
        last_seen: isoTime,
        /** Sent nothing for longer than its push interval allows. */
        silent: z.boolean(),
      }),
    ),
  ),
  z.strictObject({
    id: z.literal("health"),
    type: z.literal("status"),
    title: z.string(),
    value: healthStatusSchema,
    /** timestamp: when the health was last evaluated. */
    data: z.strictObject({ issues: z.array(z.string()), timestamp: isoTime }),
  }),
  /** Newest first: open ones (pending, firing) and their history (resolved). */
  dataWidget("alerts", "list", z.array(alertSchema)),
  dataWidget("thresholds", "config", z.record(traceTypeSchema, thresholdValuesSchema)),
  dataWidget("health-settings", "config", healthConfigSchema),
]);

export const dashboardResponseSchema = z.strictObject({
  success,
  window: windowSchema,
  /** When the widgets were read. */
  generated_at: isoTime,
  widgets: z.array(dashboardWidgetSchema),
});

export type DashboardRequest = z.output<typeof dashboardRequestSchema>;
export type DashboardWidget = z.output<typeof dashboardWidgetSchema>;
export type DashboardResponse = z.output<typeof dashboardResponseSchema>;

/** Every error the REST API answers with. `field` names the offending input for validation errors. */
export const apiErrorResponseSchema = z.strictObject({
  success: z.literal(false),
  error: z.strictObject({
    code: z.string(),
    message: z.string(),
    field: z.string().optional(),
  }),
});

export type ApiErrorResponse = z.output<typeof apiErrorResponseSchema>;
export type BenchmarkResult = z.output<typeof benchmarkResultSchema>;
export type BenchmarkResponse = z.output<typeof benchmarkResponseSchema>;
export type MetricTypesResponse = z.output<typeof metricTypesResponseSchema>;
export type ThresholdsResponse = z.output<typeof thresholdsResponseSchema>;
