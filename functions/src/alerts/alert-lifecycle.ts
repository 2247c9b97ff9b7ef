/**
 * An alert's lifecycle as a pure step function: given the open alert of one (rule, subject), if any,
 * and whether an evaluation found the condition, what happens to it.
 *
 *   (none) --found--> pending --held for the hold time--> firing --cleared--> resolved (history)
 *                        \--cleared before firing--> dropped (it never fired, so nothing is announced)
 *
 * With a hold time of 0 a new finding opens as firing at once. An evaluation older than the last one
 * applied to the alert (a late run finishing after a newer one) changes nothing.
 */

export type OpenAlertStatus = "pending" | "firing";

export interface OpenAlertState {
  status: OpenAlertStatus;
  started_at_ms: number;
  evaluated_at_ms: number;
}

export type AlertStep =
  /** Nothing open and nothing found, or a stale evaluation. */
  | { kind: "none" }
  /** A new finding: open it (firing at once when the hold time is 0). */
  | { kind: "open"; status: OpenAlertStatus }
  /** Still found: refresh it; `fires` when it has just held long enough. */
  | { kind: "keep"; status: OpenAlertStatus; fires: boolean }
  /** A firing alert whose finding cleared: move it to history and announce it. */
  | { kind: "resolve" }
  /** A pending alert whose finding cleared: delete it. */
  | { kind: "drop" };

/** Whether a step announces something: the alert fires, or a firing alert resolves. */
export function notificationOf(step: AlertStep): "firing" | "resolved" | null {
  if ((step.kind === "open" && step.status === "firing") || (step.kind === "keep" && step.fires))
    return "firing";
  return step.kind === "resolve" ? "resolved" : null;
}

export function nextAlertStep(
  open: OpenAlertState | undefined,
  found: boolean,
  nowMs: number,
  holdMs: number,
): AlertStep {
  if (!open) return found ? { kind: "open", status: holdMs <= 0 ? "firing" : "pending" } : { kind: "none" };
  if (nowMs < open.evaluated_at_ms) return { kind: "none" };
  if (!found) return open.status === "firing" ? { kind: "resolve" } : { kind: "drop" };
  const fires = open.status === "pending" && nowMs - open.started_at_ms >= holdMs;
  return { kind: "keep", status: fires ? "firing" : open.status, fires };
}
