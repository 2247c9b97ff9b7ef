import { Timestamp } from "firebase-admin/firestore";
import { DAY_MS, type TraceType } from "@aideon-perf/core";
import type { StoredSlowOperation } from "../stored/slow-operations";
import { logEvent } from "../observability/event-log";
import type { SlowSample } from "./trace-stats";
import { expireAt } from "../stored/expire-at";

/** A slow-operation record in the contract's shape; it expires `retentionDays` after the server received the trace. */
export function slowOperation(
  traceType: TraceType,
  sample: SlowSample,
  retentionDays: number,
): StoredSlowOperation {
  return {
    timestamp: Timestamp.fromMillis(sample.end_ms),
    message: `Slow ${traceType} operation: ${sample.name}`,
    type: traceType,
    name: sample.name,
    context: { duration: sample.duration, threshold: sample.threshold, attributes: sample.attributes },
    expire_at: expireAt(sample.server_ms, retentionDays * DAY_MS),
  };
}

/** The slow operation as a structured log entry (WARNING), with the stored record's fields. */
export function logSlowOperation(op: StoredSlowOperation): void {
  logEvent(
    "slow_operation",
    "WARNING",
    op.message,
    { timestamp: op.timestamp.toDate().toISOString(), type: op.type, name: op.name, context: op.context },
    { trace_type: op.type },
  );
}
