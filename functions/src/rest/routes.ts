/**
 * The REST API's endpoints, as data: method, path, who may call, where the input comes from and which
 * core schema validates it, the response schema, and the service call. The router, the handler and the
 * OpenAPI document all read this one table. Every `run` calls the same service the callables call.
 */
import type { z } from "zod";
import { principalOf, type Principal } from "../admission/principal";
import { recordingRefusal } from "../admission/recording-access";
import { RECORDING_ACCESS } from "../config";
import { errors } from "../errors";
import {
  addMetricRequestSchema,
  addMetricResponseSchema,
  benchmarkRequestSchema,
  benchmarkResponseSchema,
  METRIC_TYPES,
  metricTypesResponseSchema,
  recordTracesRequestSchema,
  recordTracesResponseSchema,
  setThresholdsRequestSchema,
  slowOperationsRequestSchema,
  slowOperationsResponseSchema,
  traceNamesResponseSchema,
  traceNamesRequestSchema,
  startTraceRequestSchema,
  startTraceResponseSchema,
  statsRequestSchema,
  statsResponseSchema,
  stopTraceRequestSchema,
  stopTraceResponseSchema,
  thresholdsResponseSchema,
  traceSummaryRequestSchema,
  traceSummaryResponseSchema,
  systemMetricsRequestSchema,
  systemMetricsResponseSchema,
  healthRequestSchema,
  healthResponseSchema,
  dashboardRequestSchema,
  dashboardResponseSchema,
  type BenchmarkRequest,
  type BenchmarkResult,
} from "@aideon-perf/core";
import type { ThresholdsConfig } from "../config/thresholds-config";
import type { HealthService } from "../health/health-service";
import type { HostService } from "../hosts/host-service";
import type { DashboardService } from "../reads/dashboard";
import type { StatsService } from "../reads/stats-service";
import type { TraceService } from "../traces/trace-service";
import type { Caller } from "./auth";
import { openApiDocumentSchema, type OpenApiDocument } from "./openapi";
import type { Route } from "./route";

/** The services the routes call, each narrowed to the calls they make. */
export interface RouteServices {
  traces: Pick<TraceService, "startTrace" | "stopTrace" | "addMetric" | "recordTraces">;
  stats: Pick<StatsService, "getStats" | "getTraceSummary" | "getTraceNames" | "getSlowOperations">;
  hosts: Pick<HostService, "systemMetrics">;
  health: Pick<HealthService, "getHealth">;
  dashboard: Pick<DashboardService, "getDashboard">;
  thresholds: Pick<ThresholdsConfig, "get" | "set">;
}

interface RouteSpec<I extends z.ZodType | undefined, O extends z.ZodType> extends Omit<
  Route,
  "input" | "run" | "response" | "rateLimited" | "serviceErrors"
> {
  input?: I extends z.ZodType
    ? { from: "body"; schema: I } | { from: "query"; schema: I; numeric?: readonly string[] }
    : undefined;
  response: O;
  rateLimited?: boolean;
  serviceErrors?: readonly number[];
  /** Type-checked against the request and response schemas, so the table and the document cannot drift. */
  run(caller: Caller, input: I extends z.ZodType ? z.output<I> : undefined): Promise<z.input<O>> | z.input<O>;
}

function route<I extends z.ZodType | undefined, O extends z.ZodType>(spec: RouteSpec<I, O>): Route {
  return {
    ...spec,
    rateLimited: spec.rateLimited ?? false,
    serviceErrors: spec.serviceErrors ?? [],
    run: async (caller, input) =>
      spec.run(caller as Caller, input as I extends z.ZodType ? z.output<I> : undefined),
  } as Route;
}

/** What a recording or read route states itself; the builders below fill in the rest. */
type Described = Pick<Route, "path" | "operationId" | "summary" | "description">;

/** A recording route: POST a body, as the caller's recording principal, counted by the rate limit. */
function recordingRoute<I extends z.ZodType, O extends z.ZodType>(
  spec: Described & {
    body: I;
    response: O;
    serviceErrors?: readonly number[];
    record(principal: Principal, input: z.output<I>): Promise<z.input<O>>;
  },
): Route {
  const { body, record, ...rest } = spec;
  return route<I, O>({
    ...rest,
    method: "POST",
    tag: "Traces",
    access: "signed-in",
    rateLimited: true,
    input: { from: "body", schema: body } as RouteSpec<I, O>["input"],
    // I is generic here, so RouteSpec's conditional input type cannot narrow itself.
    run: (caller, input) => record(recordingPrincipal(caller), input as z.output<I>),
  });
}

/** An admin read: GET with its query validated, answered by a read service. */
function adminRead<I extends z.ZodType, O extends z.ZodType>(
  spec: Described & {
    query: I;
    numeric?: readonly string[];
    response: O;
    serviceErrors?: readonly number[];
    read(input: z.output<I>): Promise<z.input<O>>;
  },
): Route {
  const { query, numeric, read, ...rest } = spec;
  return route<I, O>({
    ...rest,
    method: "GET",
    tag: "Analytics",
    access: "admin",
    input: { from: "query", schema: query, ...(numeric ? { numeric } : {}) } as RouteSpec<I, O>["input"],
    run: (_caller, input) => read(input as z.output<I>),
  });
}

/**
 * A signed-in caller as the principal it records as (the handler authenticates before run() for every
 * non-public route); RECORDING_ACCESS applies as it does to the callables.
 */
function recordingPrincipal(caller: Caller): Principal {
  // An ingest key is an admin's grant to record: RECORDING_ACCESS is about Firebase users.
  if (caller.ingestKey) return caller.ingestKey;
  const principal = principalOf(caller.uid, caller.claims);
  const refusal = recordingRefusal(RECORDING_ACCESS, principal, caller.claims);
  if (refusal) throw errors.recordingNotAllowed(refusal);
  return principal;
}

export interface RouteDeps {
  /** Built on first use, so that loading the module (deploy discovery) opens no connection. */
  services: () => RouteServices;
  benchmark: (req: BenchmarkRequest) => Promise<BenchmarkResult>;
  /** The OpenAPI document of these very routes (built lazily: it describes this table). */
  openApi: () => OpenApiDocument;
}

export function apiRoutes(deps: RouteDeps): Route[] {
  const s = deps.services;
  return [
    recordingRoute({
      path: "start-trace",
      operationId: "startTrace",
      summary: "Start a server-clocked trace",
      description: "trace_type defaults to CUSTOM_TRACE. Same as the startTrace callable.",
      body: startTraceRequestSchema,
      response: startTraceResponseSchema,
      record: (principal, req) => s().traces.startTrace(principal, req),
    }),
    recordingRoute({
      path: "stop-trace",
      operationId: "stopTrace",
      summary: "Stop a trace; the duration is measured in seconds with the server clock",
      description:
        "Attributes and metrics are merged into those given before. Only the user who started a trace may stop it; a trace stops once (409 after).",
      body: stopTraceRequestSchema,
      response: stopTraceResponseSchema,
      serviceErrors: [403, 404, 409],
      record: (principal, req) => s().traces.stopTrace(principal, req),
    }),
    recordingRoute({
      path: "add-metric",
      operationId: "addMetric",
      summary: "Set a metric of an active trace (a later value for the same name replaces it)",
      body: addMetricRequestSchema,
      response: addMetricResponseSchema,
      serviceErrors: [403, 404, 409],
      record: (principal, req) => s().traces.addMetric(principal, req),
    }),
    recordingRoute({
      path: "record-traces",
      operationId: "recordTraces",
      summary: "Record a batch of client-measured traces (up to 500), idempotent on batch_id",
      description: "A retry with the same batch_id stores nothing new and answers duplicate: true.",
      body: recordTracesRequestSchema,
      response: recordTracesResponseSchema,
      record: (principal, req) => s().traces.recordTraces(principal, req),
    }),
    adminRead({
      path: "stats",
      operationId: "getStats",
      summary: "Trace counts and average durations per type over a window (default all time)",
      query: statsRequestSchema,
      response: statsResponseSchema,
      read: (req) => s().stats.getStats(req),
    }),
    adminRead({
      path: "trace-summary",
      operationId: "getTraceSummary",
      summary:
        "Count, average, min, max and p50/p95/p99 durations of a type (or all types, or one named trace)",
      query: traceSummaryRequestSchema,
      response: traceSummaryResponseSchema,
      read: (req) => s().stats.getTraceSummary(req),
    }),
    adminRead({
      path: "trace-names",
      operationId: "getTraceNames",
      summary: "The names of a trace type aggregated recently (the name registry), most recently seen first",
      description:
        "Same as the getTraceNames callable. Lists (other) when names of the type went past the per-type budget.",
      query: traceNamesRequestSchema,
      numeric: ["limit"],
      response: traceNamesResponseSchema,
      read: (req) => s().stats.getTraceNames(req),
    }),
    adminRead({
      path: "slow-operations",
      operationId: "getSlowOperations",
      summary: "Traces slower than their type's poor threshold, newest first, paged",
      query: slowOperationsRequestSchema,
      numeric: ["limit"],
      response: slowOperationsResponseSchema,
      read: (req) => s().stats.getSlowOperations(req),
    }),
    adminRead({
      path: "system-metrics",
      operationId: "getSystemMetrics",
      summary:
        "Host metrics pushed by the agents: one host (?host=) with its time series (?series=hour|24h), or every host",
      description: "Same as the getSystemMetrics callable. 404 for a host that never reported.",
      query: systemMetricsRequestSchema,
      response: systemMetricsResponseSchema,
      serviceErrors: [404],
      read: (req) => s().hosts.systemMetrics(req),
    }),
    adminRead({
      path: "health",
      operationId: "getHealth",
      summary:
        "The health status (healthy, warning, critical) and its issues, as last evaluated by the scheduled evaluateHealth",
      description: "Same as the getHealth callable.",
      query: healthRequestSchema,
      response: healthResponseSchema,
      read: () => s().health.getHealth(),
    }),
    adminRead({
      path: "dashboard",
      operationId: "getDashboard",
      summary:
        "The dashboard's widgets ({id, type, title, value | data}), the contract's three first: what /dashboard/ on Hosting shows",
      description:
        "Same as the getDashboard callable; built from the same reads as stats, trace-summary, slow-operations, system-metrics, health and thresholds.",
      query: dashboardRequestSchema,
      response: dashboardResponseSchema,
      read: (req) => s().dashboard.getDashboard(req),
    }),
    route({
      method: "GET",
      path: "metric-types",
      operationId: "getMetricTypes",
      tag: "Configuration",
      summary: "The trace types: the contract's METRIC_TYPES mapping",
      access: "admin",
      response: metricTypesResponseSchema,
      run: () => ({ success: true as const, metric_types: { ...METRIC_TYPES } }),
    }),
    route({
      method: "GET",
      path: "thresholds",
      operationId: "getThresholds",
      tag: "Configuration",
      summary:
        "The effective thresholds per type, in seconds: the defaults with the admins' overrides applied",
      description:
        "Read through the same 30 s cache the aggregation uses: a change made on another instance shows within 30 s.",
      access: "admin",
      response: thresholdsResponseSchema,
      run: async () => ({ success: true as const, thresholds: await s().thresholds.get() }),
    }),
    route({
      method: "PUT",
      path: "thresholds",
      operationId: "setThresholds",
      tag: "Configuration",
      summary: "Override the thresholds of some types (null resets a type to its default)",
      description: "Same as the setThresholds callable. Applies to traces aggregated from then on.",
      access: "admin",
      input: { from: "body", schema: setThresholdsRequestSchema },
      response: thresholdsResponseSchema,
      run: async (_caller, req) => ({
        success: true as const,
        thresholds: await s().thresholds.set(req.thresholds),
      }),
    }),
    route({
      method: "POST",
      path: "benchmark",
      operationId: "runBenchmark",
      tag: "Testing",
      summary: "Run a cpu, memory or firestore benchmark inside the function for up to 10 s",
      description:
        "cpu: result is the iterations of a fixed arithmetic loop; memory: bytes allocated and touched per second; firestore: write+read round trips on a scratch document (deleted after), with p50/p95 latency in details.",
      access: "admin",
      input: { from: "body", schema: benchmarkRequestSchema },
      response: benchmarkResponseSchema,
      run: async (_caller, req) => ({ success: true as const, benchmark: await deps.benchmark(req) }),
    }),
    route({
      method: "GET",
      path: "openapi.json",
      operationId: "getOpenApi",
      tag: "API",
      summary: "This API's OpenAPI 3.1 document",
      access: "public",
      response: openApiDocumentSchema,
      run: () => deps.openApi(),
    }),
  ];
}
