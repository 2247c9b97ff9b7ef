/**
 * Alerts in Firestore. The open alert of a (rule, subject) lives at a deterministic id, so each
 * evaluation changes it in one transaction: concurrent evaluations serialize on that document and
 * can never open it twice or announce it twice. A resolved alert moves to a unique id in the same
 * collection (history, expiring by TTL), freeing the id for the next time the rule fires. Every
 * announcement is written to the outbox in the transaction that makes the change it announces.
 */
import { Timestamp, type Firestore } from "firebase-admin/firestore";
import { DAY_MS, type HealthFinding, type HealthRule } from "@aideon-perf/core";
import { COLLECTIONS } from "../firestore";
import { logEvent } from "../observability/event-log";
import { storedAlertNotificationConverter, type AnnouncedAlert } from "../stored/alert-notifications";
import { storedAlertConverter } from "../stored/alerts";
import { nextAlertStep, notificationOf, type AlertStep, type OpenAlertStatus } from "./alert-lifecycle";
import { newNotification } from "./notifications";
import { expireAt } from "../stored/expire-at";

const OPEN_STATUSES: OpenAlertStatus[] = ["pending", "firing"];

/** `cpu:web-1`: readable in the console; encoded so that any subject is a valid document id. */
export const openAlertId = (rule: HealthRule, subject: string) => `${rule}:${encodeURIComponent(subject)}`;

export interface ReconcileCounts {
  opened: number;
  fired: number;
  resolved: number;
  dropped: number;
}

const millis = (t: Timestamp | null) => (t ? t.toMillis() : null);

/** An alert's change of status as a structured log entry: firing and pending at their severity, resolved as NOTICE. */
function logAlertTransition(step: AlertStep, alert: AnnouncedAlert): void {
  const status = step.kind === "resolve" ? "resolved" : "status" in step ? step.status : undefined;
  if (!status || (step.kind === "keep" && !step.fires)) return; // still the same status: no transition
  const severity = status === "resolved" ? "NOTICE" : alert.severity === "critical" ? "CRITICAL" : "WARNING";
  logEvent(
    "alert_transition",
    severity,
    `Alert ${status}: ${alert.message}`,
    { ...alert, status },
    { rule: alert.rule, status, severity: alert.severity },
  );
}

function announced(
  id: string,
  a: HealthFinding,
  times: { started: number; fired: number | null; resolved: number | null },
): AnnouncedAlert {
  return {
    alert_id: id,
    rule: a.rule,
    subject: a.subject,
    severity: a.severity,
    message: a.message,
    value: a.value,
    threshold: a.threshold,
    started_at_ms: times.started,
    fired_at_ms: times.fired,
    resolved_at_ms: times.resolved,
  };
}

export function alertStore(db: Firestore, retentionDays: () => number) {
  const alerts = db.collection(COLLECTIONS.alerts).withConverter(storedAlertConverter);
  const outbox = db
    .collection(COLLECTIONS.alertNotifications)
    .withConverter(storedAlertNotificationConverter);

  /** Applies one evaluation's verdict on one (rule, subject) atomically; returns what happened. */
  async function applyOne(
    id: string,
    finding: HealthFinding | undefined,
    nowMs: number,
    holdMs: number,
  ): Promise<AlertStep> {
    const { step, announce } = await db.runTransaction(async (tx) => {
      const ref = alerts.doc(id);
      const stored = (await tx.get(ref)).data();
      const open = stored && OPEN_STATUSES.includes(stored.status as OpenAlertStatus) ? stored : undefined;
      const step = nextAlertStep(
        open && {
          status: open.status as OpenAlertStatus,
          started_at_ms: open.started_at.toMillis(),
          evaluated_at_ms: open.evaluated_at.toMillis(),
        },
        finding !== undefined,
        nowMs,
        holdMs,
      );
      const now = Timestamp.fromMillis(nowMs);
      let announce: AnnouncedAlert | undefined;
      switch (step.kind) {
        case "none":
          return { step, announce };
        case "open": {
          const f = finding!;
          const firing = step.status === "firing";
          tx.create(ref, {
            ...f,
            status: step.status,
            started_at: now,
            fired_at: firing ? now : null,
            resolved_at: null,
            evaluated_at: now,
          });
          announce = announced(id, f, { started: nowMs, fired: firing ? nowMs : null, resolved: null });
          break;
        }
        case "keep": {
          const f = finding!;
          const firedAtMs = step.fires ? nowMs : millis(open!.fired_at);
          tx.update(ref, {
            status: step.status,
            severity: f.severity,
            message: f.message,
            value: f.value,
            threshold: f.threshold,
            evaluated_at: now,
            ...(step.fires ? { fired_at: now } : {}),
          });
          announce = announced(id, f, {
            started: open!.started_at.toMillis(),
            fired: firedAtMs,
            resolved: null,
          });
          break;
        }
        case "resolve":
          tx.delete(ref);
          tx.create(alerts.doc(), {
            ...open!,
            status: "resolved",
            resolved_at: now,
            evaluated_at: now,
            expire_at: expireAt(nowMs, retentionDays() * DAY_MS),
          });
          announce = announced(id, open!, {
            started: open!.started_at.toMillis(),
            fired: millis(open!.fired_at),
            resolved: nowMs,
          });
          break;
        case "drop":
          tx.delete(ref);
          break;
      }
      const kind = notificationOf(step);
      if (kind && announce) tx.create(outbox.doc(), newNotification(kind, announce, nowMs));
      return { step, announce };
    });
    if (announce && step.kind !== "drop") logAlertTransition(step, announce);
    return step;
  }

  return {
    /**
     * Brings the alerts in line with one evaluation's findings: every finding and every open alert is
     * stepped once. Costs one query for the open alerts plus one transaction per finding or open alert.
     */
    async reconcile(
      findings: readonly HealthFinding[],
      nowMs: number,
      holdMs: number,
    ): Promise<ReconcileCounts> {
      const found = new Map(findings.map((f) => [openAlertId(f.rule, f.subject), f]));
      const open = await alerts.where("status", "in", OPEN_STATUSES).get();
      const ids = new Set([...found.keys(), ...open.docs.map((d) => d.id)]);
      const steps = await Promise.all([...ids].map((id) => applyOne(id, found.get(id), nowMs, holdMs)));
      const counts: ReconcileCounts = { opened: 0, fired: 0, resolved: 0, dropped: 0 };
      for (const step of steps) {
        if (step.kind === "open") counts.opened += 1;
        if (notificationOf(step) === "firing") counts.fired += 1;
        if (step.kind === "resolve") counts.resolved += 1;
        if (step.kind === "drop") counts.dropped += 1;
      }
      return counts;
    },
  };
}

export type AlertStore = ReturnType<typeof alertStore>;
