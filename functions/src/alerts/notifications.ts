/**
 * The notification outbox: one document per announcement (an alert fired or resolved), written in the
 * same transaction as the alert's change, sent by its own trigger. Evaluation never waits on a webhook,
 * and an announcement exists exactly when the change it announces was committed. Pure.
 */
import type { HealthFinding } from "@aideon-perf/core";

export type NotificationKind = "firing" | "resolved";

/**
 * pending: to send (also after a failed attempt, until the trigger's retry); sending: an invocation
 * holds the lease; sent; skipped: no webhook is configured; failed: given up (see last_error).
 */
export type NotificationStatus = "pending" | "sending" | "sent" | "skipped" | "failed";

/** What is announced: the alert (its finding) as it was when it changed. Times in epoch ms. */
export interface AnnouncedAlert extends HealthFinding {
  alert_id: string;
  started_at_ms: number;
  fired_at_ms: number | null;
  resolved_at_ms: number | null;
}

export interface NotificationDoc {
  kind: NotificationKind;
  alert: AnnouncedAlert;
  status: NotificationStatus;
  created_at: Date;
  /** Delivery attempts made (each invocation that took the lease counts one). */
  attempts: number;
  lease_until: Date | null;
  sent_at: Date | null;
  last_error: string | null;
  expire_at: Date;
}

/** How long delivery records are kept (TTL on expire_at). */
export const NOTIFICATION_RETENTION_MS = 7 * 86_400_000;

export function newNotification(kind: NotificationKind, alert: AnnouncedAlert, nowMs: number): NotificationDoc {
  return {
    kind,
    alert,
    status: "pending",
    created_at: new Date(nowMs),
    attempts: 0,
    lease_until: null,
    sent_at: null,
    last_error: null,
    expire_at: new Date(nowMs + NOTIFICATION_RETENTION_MS),
  };
}

const iso = (ms: number) => new Date(ms).toISOString();

/**
 * Slack's incoming-webhook body (`{text}`; Mattermost, Rocket.Chat and most chat webhooks accept it
 * too): "[aideon-perf] FIRING (warning): High CPU usage: 85.2% on web-1 (since 2024-12-06T14:30:22.000Z)".
 */
export function webhookBody(n: Pick<NotificationDoc, "kind" | "alert">): { text: string } {
  const a = n.alert;
  const text =
    n.kind === "firing"
      ? `[aideon-perf] FIRING (${a.severity}): ${a.message} (since ${iso(a.started_at_ms)})`
      : `[aideon-perf] RESOLVED: ${a.message} (fired ${iso(a.fired_at_ms ?? a.started_at_ms)}, resolved ${iso(a.resolved_at_ms ?? a.started_at_ms)})`;
  return { text };
}
