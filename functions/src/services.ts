/**
 * The services behind every function, built once per instance on first use (so that loading the
 * module, e.g. for deploy discovery, opens no connection). Only the entry point (index.ts) reads them,
 * and hands each function, route and job the narrow services it calls; tests use them directly.
 */
import { randomUUID } from "node:crypto";
import {
  ABANDON_AFTER_MINUTES,
  AGGREGATE_NAME_BUDGET,
  ALERT_RETENTION_DAYS,
  ALERT_WEBHOOK_URL,
  TRACE_RETENTION_DAYS,
} from "./config";
import { db } from "./firestore";
import { thresholdsConfig } from "./config/thresholds-config";
import { finishedTraces } from "./aggregation/finished-traces";
import { statsStore } from "./aggregation/stats-store";
import { deadLetters } from "./aggregation/dead-letters";
import { admission } from "./admission/admission";
import { healthCapsFromEnv } from "./admission/health-sources";
import { quotaPlanFromEnv } from "./admission/quota-plan";
import { firestoreQuotaStore } from "./admission/quota-store";
import { statsService } from "./reads/stats-service";
import { dashboardService } from "./reads/dashboard";
import { traceService } from "./traces/trace-service";
import { hostStore } from "./hosts/host-store";
import { hostService } from "./hosts/host-service";
import { ingestKeyService } from "./keys/ingest-key-service";
import { healthConfigStore } from "./config/health-config";
import { healthService } from "./health/health-service";
import { alertStore } from "./alerts/alert-store";
import { alertReads } from "./alerts/alert-reads";
import { webhookDelivery } from "./alerts/webhook-delivery";
import { webhookUrlSource } from "./alerts/webhook-url";

function build() {
  const firestore = db();
  const now = Date.now;
  const retentionDays = () => TRACE_RETENTION_DAYS.value();
  const store = statsStore(firestore, { retentionDays, nameBudget: () => AGGREGATE_NAME_BUDGET.value() });
  const letters = deadLetters(firestore);
  const quotaPlan = quotaPlanFromEnv(process.env);
  const quotaStore = firestoreQuotaStore(firestore, quotaPlan);
  const recording = admission(quotaPlan, quotaStore, now, healthCapsFromEnv(process.env));
  const thresholds = thresholdsConfig(firestore, now);
  const hosts = hostStore(firestore);
  const healthConfig = healthConfigStore(firestore, now);
  const stats = statsService({
    db: firestore,
    store,
    now,
    retentionDays,
    reportingHosts: (at) => hosts.reporting(at),
  });
  const health = healthService({
    db: firestore,
    store,
    deadLetters: letters,
    config: healthConfig,
    alerts: alertStore(firestore, () => ALERT_RETENTION_DAYS.value()),
    now,
  });
  const alerts = alertReads(firestore);
  return {
    db: firestore,
    now,
    abandonAfterMs: () => ABANDON_AFTER_MINUTES.value() * 60_000,
    store,
    thresholds,
    traces: traceService({
      db: firestore,
      admit: recording.admit,
      healthFlags: recording.healthFlags,
      thresholds: () => thresholds.get(),
      now,
      newTraceId: randomUUID,
      retentionDays,
    }),
    finished: finishedTraces({ db: firestore, store, thresholds, now }),
    deadLetters: letters,
    quotaUsage: (limit: number) => quotaStore.usage(now(), limit),
    stats,
    hosts: hostService({ db: firestore, hosts, now }),
    ingestKeys: ingestKeyService({ db: firestore, now }),
    health,
    alerts,
    dashboard: dashboardService({
      stats,
      store,
      hosts: () => hosts.all(),
      health: () => health.getHealth(),
      alerts,
      thresholds: () => thresholds.get(),
      healthConfig: () => healthConfig.get(),
      now,
    }),
    notifications: webhookDelivery({
      db: firestore,
      webhookUrl: webhookUrlSource({
        db: firestore,
        secret: () => ALERT_WEBHOOK_URL.value(),
        emulator: process.env.FUNCTIONS_EMULATOR === "true",
      }),
      now,
    }),
  };
}

let built: ReturnType<typeof build> | undefined;
export function services(): ReturnType<typeof build> {
  built ??= build();
  return built;
}
