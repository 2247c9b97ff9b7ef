import { Timestamp } from "firebase-admin/firestore";
import type { Threshold, TraceType } from "@aideon-perf/core";
import type { StoredSlowOperation } from "../stored/slow-operations";

/** A slow-operation record in the source's shape, before its expiry is set. */
export type SlowOperation = Omit<StoredSlowOperation, "expire_at">;

export function slowOperation(
  trace: { name: string; trace_type: TraceType; duration: number; attributes?: Record<string, string | number | boolean> },
  endMs: number,
  threshold: Threshold,
): SlowOperation {
  return {
    timestamp: Timestamp.fromMillis(endMs),
    message: `Slow ${trace.trace_type} operation: ${trace.name}`,
    type: trace.trace_type,
    name: trace.name,
    context: { duration: trace.duration, threshold: threshold.poor, attributes: trace.attributes ?? {} },
  };
}
