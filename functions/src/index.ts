/**
 * Deployed functions. Names are the public contract: clients call callables by name with httpsCallable.
 */
import "./global-options";
import { onDocumentCreated, onDocumentUpdated } from "firebase-functions/firestore";
import { onSchedule } from "firebase-functions/scheduler";
import {
  addMetricRequestSchema,
  recordTracesRequestSchema,
  setThresholdsRequestSchema,
  slowOperationsRequestSchema,
  startTraceRequestSchema,
  statsRequestSchema,
  stopTraceRequestSchema,
  traceSummaryRequestSchema,
  traceNamesRequestSchema,
  refoldMinuteRequestSchema,
  quotaUsageRequestSchema,
  minuteKeyStart,
  createAgentKeyRequestSchema,
  revokeAgentKeyRequestSchema,
  createIngestKeyRequestSchema,
  revokeIngestKeyRequestSchema,
  listIngestKeysRequestSchema,
  systemMetricsRequestSchema,
  alertsRequestSchema,
  healthRequestSchema,
  setHealthConfigRequestSchema,
  dashboardRequestSchema,
} from "@aideon-perf/core";
import { onRequest } from "firebase-functions/https";
import { ingestHostMetricsHandler } from "./hosts/ingest-endpoint";
import { apiFunction } from "./rest";
import { adminCallable, recordingCallable } from "./callables";
import { ALERT_WEBHOOK_SECRETS, HEALTH_EVALUATION_SCHEDULE } from "./config";
import { COLLECTIONS } from "./firestore";
import { services } from "./services";
import {
  foldClosedMinutes,
  markAbandonedTraces as markAbandoned,
  refoldMinute as refold,
  sweepUnaggregated as sweep,
} from "./aggregation/jobs";
import { aggregateOrDeadLetter } from "./aggregation/trigger-events";

// Recording (any signed-in user).
export const startTrace = recordingCallable(startTraceRequestSchema, (uid, req) =>
  services().traces.startTrace(uid, req),
);
export const stopTrace = recordingCallable(stopTraceRequestSchema, (uid, req) =>
  services().traces.stopTrace(uid, req),
);
export const addMetric = recordingCallable(addMetricRequestSchema, (uid, req) =>
  services().traces.addMetric(uid, req),
);
export const recordTraces = recordingCallable(recordTracesRequestSchema, (uid, req) =>
  services().traces.recordTraces(uid, req),
);

// Reads and configuration (admin claim).
export const getStats = adminCallable(statsRequestSchema, (req) => services().stats.getStats(req));
export const getTraceSummary = adminCallable(traceSummaryRequestSchema, (req) =>
  services().stats.getTraceSummary(req),
);
export const getTraceNames = adminCallable(traceNamesRequestSchema, (req) =>
  services().stats.getTraceNames(req),
);
// Operations: who was refused by the recording quotas today (admission/), most refused first.
export const getQuotaUsage = adminCallable(quotaUsageRequestSchema, async (req) => ({
  success: true as const,
  ...(await services().quotaUsage(req.limit)),
}));
// Operations: fold again a minute the fold set aside (see its dead letter), after fixing its cause.
export const refoldMinute = adminCallable(refoldMinuteRequestSchema, async (req) => ({
  success: true as const,
  minute: req.minute,
  ...(await refold(services(), minuteKeyStart(req.minute)!, Date.now())),
}));
export const getSlowOperations = adminCallable(slowOperationsRequestSchema, (req) =>
  services().stats.getSlowOperations(req),
);
export const setThresholds = adminCallable(setThresholdsRequestSchema, async (req) => ({
  success: true as const,
  thresholds: await services().thresholds.set(req.thresholds),
}));

// Host metrics: agent keys (admin), the agents' push endpoint (agent key), reads (admin).
export const createAgentKey = adminCallable(createAgentKeyRequestSchema, (req, uid) =>
  services().hosts.createAgentKey(uid, req),
);
export const revokeAgentKey = adminCallable(revokeAgentKeyRequestSchema, (req) =>
  services().hosts.revokeAgentKey(req),
);

// Ingest keys (admin): a backend's recording credential for the REST API and the OTLP receiver.
export const createIngestKey = adminCallable(createIngestKeyRequestSchema, (req, uid) =>
  services().ingestKeys.create(uid, req),
);
export const revokeIngestKey = adminCallable(revokeIngestKeyRequestSchema, (req) =>
  services().ingestKeys.revoke(req),
);
export const listIngestKeys = adminCallable(listIngestKeysRequestSchema, () => services().ingestKeys.list());
export const getSystemMetrics = adminCallable(systemMetricsRequestSchema, (req) =>
  services().hosts.systemMetrics(req),
);
// cors: false: agents are servers, not browsers (and the emulator would otherwise allow any origin).
export const ingestHostMetrics = onRequest(
  { cors: false },
  ingestHostMetricsHandler(() => services().hosts),
);

// The REST API (/api/v1/performance/..., behind the Hosting rewrite of /api/**): same services.
export const api = apiFunction(services);

// Aggregation: at-least-once triggers, made exactly-once by the aggregated mark; retried on transient
// failure, dead-lettered on a permanent one (trigger-events.ts), swept for what a lost event left.
/** Each batch chunk as it is created (the deployed name keeps the collection's: perf_trace_batches). */
export const aggregateTraceBatch = onDocumentCreated(
  { document: `${COLLECTIONS.traceBatches}/{chunkId}`, retry: true },
  async (event) => {
    await aggregateOrDeadLetter(
      services(),
      event,
      services().db.doc(event.document),
      services().finished.batchChunk,
    );
  },
);

export const aggregateStoppedTrace = onDocumentUpdated(
  { document: `${COLLECTIONS.traces}/{traceId}`, retry: true },
  async (event) => {
    const before = event.data?.before.get("status");
    const after = event.data?.after.get("status");
    if (before === "active" && after === "finished") {
      await aggregateOrDeadLetter(
        services(),
        event,
        services().db.doc(event.document),
        services().finished.stoppedTrace,
      );
    }
  },
);

// Scheduled jobs.
export const foldAggregates = onSchedule("every 1 minutes", async (event) => {
  await foldClosedMinutes(services(), Date.parse(event.scheduleTime) || Date.now());
});

export const sweepUnaggregated = onSchedule("every 15 minutes", async (event) => {
  await sweep(services(), Date.parse(event.scheduleTime) || Date.now());
});

export const markAbandonedTraces = onSchedule("every 5 minutes", async (event) => {
  await markAbandoned(services(), Date.parse(event.scheduleTime) || Date.now());
});

// Health and alerts: evaluated on a schedule (HEALTH_EVALUATION_INTERVAL_MINUTES), read and configured
// by admins; notifications leave through the outbox trigger so that evaluation never waits on a webhook.
export const evaluateHealth = onSchedule(HEALTH_EVALUATION_SCHEDULE, async (event) => {
  await services().health.evaluate(Date.parse(event.scheduleTime) || Date.now());
});

export const getHealth = adminCallable(healthRequestSchema, () => services().health.getHealth());
export const setHealthConfig = adminCallable(setHealthConfigRequestSchema, (req) =>
  services().health.setConfig(req.config),
);
export const getAlerts = adminCallable(alertsRequestSchema, (req) => services().alerts.getAlerts(req));

// The contract's dashboard widget list, which the Hosting dashboard (/dashboard/) also reads.
export const getDashboard = adminCallable(dashboardRequestSchema, (req) =>
  services().dashboard.getDashboard(req),
);

export const sendAlertNotification = onDocumentCreated(
  {
    document: `${COLLECTIONS.alertNotifications}/{notificationId}`,
    retry: true,
    secrets: ALERT_WEBHOOK_SECRETS,
  },
  async (event) => {
    await services().notifications.deliver(services().db.doc(event.document));
  },
);
