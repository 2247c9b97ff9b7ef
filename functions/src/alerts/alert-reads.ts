/** getAlerts: open alerts and history, newest first (by started_at), with page tokens. */
import type { Firestore, Timestamp } from "firebase-admin/firestore";
import type { AlertsRequest, AlertView } from "@aideon-perf/core";
import { COLLECTIONS } from "../firestore";
import { newestFirstPage } from "../reads/page-token";
import { storedAlertConverter, type StoredAlert } from "../stored/alerts";

const iso = (t: Timestamp | null) => (t ? t.toDate().toISOString() : null);

function view(id: string, a: StoredAlert): AlertView {
  return {
    id,
    rule: a.rule,
    subject: a.subject,
    status: a.status,
    severity: a.severity,
    message: a.message,
    value: a.value,
    threshold: a.threshold,
    started_at: a.started_at.toDate().toISOString(),
    fired_at: iso(a.fired_at),
    resolved_at: iso(a.resolved_at),
  };
}

export function alertReads(db: Firestore) {
  const alerts = db.collection(COLLECTIONS.alerts).withConverter(storedAlertConverter);
  return {
    async getAlerts(req: AlertsRequest) {
      const filtered = req.status ? alerts.where("status", "==", req.status) : alerts;
      const { docs, nextPageToken } = await newestFirstPage(
        filtered,
        "started_at",
        req.limit,
        req.page_token,
      );
      return {
        success: true as const,
        alerts: docs.map((d) => view(d.id, d.data())),
        next_page_token: nextPageToken,
      };
    },
  };
}

export type AlertReads = ReturnType<typeof alertReads>;
