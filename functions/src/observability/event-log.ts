/**
 * Structured log entries for the events people alert on: a slow operation recorded, a dead letter
 * opened, an alert's transition. One JSON entry each through the functions logger, with severity and
 * labels (`logging.googleapis.com/labels`, which Cloud Logging lifts into the entry's labels), so
 * Cloud Logging filters and log-based metrics can select them, e.g.
 *   labels.aideon_perf_event="slow_operation" AND labels.trace_type="DATABASE_QUERY"
 * Written after the Firestore commit that made the event, so a retried transaction logs once.
 */
import { logger } from "firebase-functions";
import type { LogEntry, LogSeverity } from "firebase-functions/logger";

export type PerfEvent = "slow_operation" | "dead_letter" | "alert_transition";

export const EVENT_LABEL = "aideon_perf_event";

/** Where entries go: the functions logger (stdout as JSON in Cloud Functions); tests read them here. */
export const eventLog = { sink: (entry: LogEntry): void => logger.write(entry) };

export function logEvent(
  event: PerfEvent,
  severity: LogSeverity,
  message: string,
  fields: Record<string, unknown>,
  labels: Record<string, string>,
): void {
  // The entry's own keys last: an event field named like one (an alert's severity) must not replace it.
  eventLog.sink({
    ...fields,
    severity,
    message,
    event,
    "logging.googleapis.com/labels": { [EVENT_LABEL]: event, ...labels },
  });
}
