import { Timestamp } from "firebase-admin/firestore";
import type { TraceType } from "@aideon-perf/core";
import type { StoredSlowOperation } from "../stored/slow-operations";
import { expiryFrom } from "../traces/trace-rules";
import type { SlowSample } from "./trace-stats";

/** A slow-operation record in the source's shape; it expires `retentionDays` after the server received the trace. */
export function slowOperation(traceType: TraceType, sample: SlowSample, retentionDays: number): StoredSlowOperation {
  return {
    timestamp: Timestamp.fromMillis(sample.end_ms),
    message: `Slow ${traceType} operation: ${sample.name}`,
    type: traceType,
    name: sample.name,
    context: { duration: sample.duration, threshold: sample.threshold, attributes: sample.attributes },
    expire_at: Timestamp.fromDate(expiryFrom(sample.server_ms, retentionDays)),
  };
}
