/**
 * Server-clocked traces through the startTrace / addMetric / stopTrace callables (or their REST routes
 * with an ingest key): one call each, for
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
import type { SdkCall, SdkCallable } from "./transport";
import type { RemoteTrace } from "./types";

/** Validated locally, then sent without its undefined fields (the callable encoder would send them as null). */
async function call<Res>(
  send: SdkCall,
  name: SdkCallable,
  schema: Parameters<typeof parseRequest>[0],
  request: object,
): Promise<Res> {
  const defined = Object.fromEntries(Object.entries(request).filter(([, value]) => value !== undefined));
  parseRequest(schema, defined);
  return send<Res>(name, defined);
}

export async function startRemoteTrace(
  send: SdkCall,
  name: string,
  traceType: TraceType | undefined,
  attributes: Attributes | undefined,
): Promise<RemoteTrace> {
  const request = { name, trace_type: traceType, attributes };
  const { trace_id } = await call<StartTraceResponse>(send, "startTrace", startTraceRequestSchema, request);
  return remoteTrace(send, trace_id);
}

export function remoteTrace(send: SdkCall, traceId: string): RemoteTrace {
  return {
    traceId,
    async addMetric(metricName, value) {
      const request = { trace_id: traceId, metric_name: metricName, value };
      await call<AddMetricResponse>(send, "addMetric", addMetricRequestSchema, request);
    },
    async stop(extra = {}) {
      const request = { trace_id: traceId, ...extra };
      return (await call<StopTraceResponse>(send, "stopTrace", stopTraceRequestSchema, request)).duration;
    },
  };
}
