/** getAlerts: open alerts and history, newest first (by started_at), with page tokens. */
import { FieldPath, Timestamp, type Firestore } from "firebase-admin/firestore";
import type { AlertsRequest, AlertView } from "@aideon-perf/core";
import { COLLECTIONS } from "../firestore";
import { decodePageToken, encodePageToken } from "../reads/page-token";
import type { StoredAlert } from "./alert-store";

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
  const alerts = db.collection(COLLECTIONS.alerts);
  return {
    async getAlerts(req: AlertsRequest) {
      const filtered = req.status ? alerts.where("status", "==", req.status) : alerts;
      let page = filtered.orderBy("started_at", "desc").orderBy(FieldPath.documentId(), "desc");
      if (req.page_token) {
        const cursor = decodePageToken(req.page_token);
        page = page.startAfter(Timestamp.fromMillis(cursor.timestampMs), cursor.id);
      }
      const snap = await page.limit(req.limit + 1).get();
      const docs = snap.docs.slice(0, req.limit);
      const last = docs[docs.length - 1];
      return {
        success: true as const,
        alerts: docs.map((d) => view(d.id, d.data() as StoredAlert)),
        next_page_token:
          snap.docs.length > req.limit && last
            ? encodePageToken({ timestampMs: (last.get("started_at") as Timestamp).toMillis(), id: last.id })
            : null,
      };
    },
  };
}

export type AlertReads = ReturnType<typeof alertReads>;
