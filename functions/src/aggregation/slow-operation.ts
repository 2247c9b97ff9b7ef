import type { Threshold, TraceType } from "@aideon-perf/core";

/** A slow-operation record in the source's shape (stored with a Date timestamp, served as ISO 8601). */
export interface SlowOperation {
  timestamp: Date;
  message: string;
  type: TraceType;
  name: string;
  context: {
    duration: number;
    threshold: number;
    attributes: Record<string, string | number | boolean>;
  };
}

export function slowOperation(
  trace: { name: string; trace_type: TraceType; duration: number; attributes?: Record<string, string | number | boolean> },
  endMs: number,
  threshold: Threshold,
): SlowOperation {
  return {
    timestamp: new Date(endMs),
    message: `Slow ${trace.trace_type} operation: ${trace.name}`,
    type: trace.trace_type,
    name: trace.name,
    context: { duration: trace.duration, threshold: threshold.poor, attributes: trace.attributes ?? {} },
  };
}
