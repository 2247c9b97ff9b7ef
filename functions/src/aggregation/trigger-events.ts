/**
 * The aggregation triggers' failure policy. Transient failures (contention, timeouts) are rethrown so
 * the platform retries the event; a failure no retry can fix, or an event still failing after
 * MAX_EVENT_AGE_MS, is recorded as a dead letter and acknowledged, so it is neither lost silently nor
 * retried for days. The sweeper finds whatever a lost event left unaggregated.
 */
import { MINUTE_MS } from "@aideon-perf/core";
import type { DocumentReference } from "firebase-admin/firestore";
import { deadLetterSource } from "./jobs";
import { isPermanentFailure, type DeadLetters } from "./dead-letters";

/** Retries of one event stop after this; Cloud Functions would otherwise retry for up to 7 days. */
export const MAX_EVENT_AGE_MS = 30 * MINUTE_MS;

export async function aggregateOrDeadLetter(
  s: { deadLetters: DeadLetters },
  event: { time: string },
  ref: DocumentReference,
  work: (ref: DocumentReference) => Promise<unknown>,
  nowMs = Date.now(),
): Promise<void> {
  try {
    await work(ref);
  } catch (err) {
    const ageMs = nowMs - Date.parse(event.time);
    if (!isPermanentFailure(err) && !(ageMs > MAX_EVENT_AGE_MS)) throw err;
    await deadLetterSource(s, ref, err, nowMs);
  }
}
