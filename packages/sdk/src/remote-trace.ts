/**
 * Server-clocked traces through the startTrace / addMetric / stopTrace callables: one call each, for
 * operations that span processes. Requests are validated with the core's schemas before they leave.
 */
import {
  addMetricRequestSchema,
  parseRequest,
  startTraceRequestSchema,
  stopTraceRequestSchema,
  type AddMetricResponse,
  type Attributes,
  type StartTraceResponse,
  type StopTraceResponse,
  type TraceType,
} from "@aideon-perf/core";
import { httpsCallable, type Functions } from "firebase/functions";
import type { RemoteTrace } from "./types";

/** Validated locally, then sent without its undefined fields (the callable encoder would send them as null). */
async function call<Res>(functions: Functions, name: string, schema: Parameters<typeof parseRequest>[0], request: object): Promise<Res> {
  const defined = Object.fromEntries(Object.entries(request).filter(([, value]) => value !== undefined));
  parseRequest(schema, defined);
  return (await httpsCallable<unknown, Res>(functions, name)(defined)).data;
}

export async function startRemoteTrace(
  functions: Functions,
  name: string,
  traceType: TraceType | undefined,
  attributes: Attributes | undefined,
): Promise<RemoteTrace> {
  const request = { name, trace_type: traceType, attributes };
  const { trace_id } = await call<StartTraceResponse>(functions, "startTrace", startTraceRequestSchema, request);
  return remoteTrace(functions, trace_id);
}

export function remoteTrace(functions: Functions, traceId: string): RemoteTrace {
  return {
    traceId,
    async addMetric(metricName, value) {
      const request = { trace_id: traceId, metric_name: metricName, value };
      await call<AddMetricResponse>(functions, "addMetric", addMetricRequestSchema, request);
    },
    async stop(extra = {}) {
      const request = { trace_id: traceId, ...extra };
      return (await call<StopTraceResponse>(functions, "stopTrace", stopTraceRequestSchema, request)).duration;
    },
  };
}
