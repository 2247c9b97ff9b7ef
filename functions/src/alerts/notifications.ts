/**
 * The notification outbox: one document per announcement (an alert fired or resolved), written in the
 * same transaction as the alert's change, sent by its own trigger. Evaluation never waits on a webhook,
 * and an announcement exists exactly when the change it announces was committed. Pure.
 */
import { Timestamp } from "firebase-admin/firestore";
import { DAY_MS } from "@aideon-perf/core";
import type { AnnouncedAlert, StoredAlertNotification } from "../stored/alert-notifications";
import { expireAt } from "../stored/expire-at";

export type NotificationKind = StoredAlertNotification["kind"];
export type { AnnouncedAlert };

/** How long delivery records are kept (TTL on expire_at). */
export const NOTIFICATION_RETENTION_MS = 7 * DAY_MS;

export function newNotification(
  kind: NotificationKind,
  alert: AnnouncedAlert,
  nowMs: number,
): StoredAlertNotification {
  return {
    kind,
    alert,
    status: "pending",
    created_at: Timestamp.fromMillis(nowMs),
    attempts: 0,
    lease_until: null,
    sent_at: null,
    last_error: null,
    expire_at: expireAt(nowMs, NOTIFICATION_RETENTION_MS),
  };
}

const iso = (ms: number) => new Date(ms).toISOString();

/**
 * Slack's three control characters escaped (api.slack.com/reference/surfaces/formatting#escaping), so
 * that text quoted from agents (a mount path, a host id) shows as typed instead of
 * becoming a mention (`<!channel>`) or a disguised link (`<https://evil|click>`).
 */
export function escapeSlackText(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

/**
 * Slack's incoming-webhook body (`{text}`; Mattermost, Rocket.Chat and most chat webhooks accept it
 * too): "[aideon-perf] FIRING (warning): High CPU usage: 85.2% on web-1 (since 2024-12-06T14:30:22.000Z)".
 * The alert's message is escaped: it quotes mount paths and host ids as agents sent them.
 */
export function webhookBody(n: Pick<StoredAlertNotification, "kind" | "alert">): { text: string } {
  const a = n.alert;
  const message = escapeSlackText(a.message);
  const text =
    n.kind === "firing"
      ? `[aideon-perf] FIRING (${a.severity}): ${message} (since ${iso(a.started_at_ms)})`
      : `[aideon-perf] RESOLVED: ${message} (fired ${iso(a.fired_at_ms ?? a.started_at_ms)}, resolved ${iso(a.resolved_at_ms ?? a.started_at_ms)})`;
  return { text };
}
