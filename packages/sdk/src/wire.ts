/** Finished traces in the recordTraces wire shape (snake_case, as the server's schema reads them). */
import type { RecordedTraceInput } from "@aideon-perf/core";
import type { FinishedTrace } from "./local-trace";

export function toRecordedTrace(trace: FinishedTrace): RecordedTraceInput {
  const wire: RecordedTraceInput = {
    name: trace.name,
    trace_type: trace.traceType,
    start_time: Math.round(trace.startTime),
    duration: trace.duration,
  };
  if (trace.attributes !== undefined) wire.attributes = trace.attributes;
  if (trace.metrics !== undefined) wire.metrics = trace.metrics;
  return wire;
}
