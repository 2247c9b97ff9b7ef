/**
 * Health as a service shared by the schedule, the callables and the REST API: evaluate (gather the
 * inputs, apply the core's rules, store the result in perf_health/current, step the alerts), read it
 * in the contract's shape, and change the rules' configuration.
 */
import { logger } from "firebase-functions";
import { Timestamp, type Firestore } from "firebase-admin/firestore";
import {
  evaluateHealth,
  type HealthConfigOverrides,
  type HealthEvaluation,
  type HealthResponse,
  type HealthStats,
} from "@aideon-perf/core";
import { COLLECTIONS } from "../firestore";
import { storedHealthConverter } from "../stored/health";
import type { StatsStore } from "../aggregation/stats-store";
import type { DeadLetters } from "../aggregation/dead-letters";
import type { AlertStore } from "../alerts/alert-store";
import type { HealthConfigStore } from "../config/health-config";
import { readHealthInputs } from "./health-inputs";

const CURRENT_HEALTH_DOC = "current";

export interface HealthReport extends HealthEvaluation {
  stats: HealthStats;
  timestampMs: number;
}

export interface HealthServiceDeps {
  db: Firestore;
  store: StatsStore;
  deadLetters: DeadLetters;
  config: HealthConfigStore;
  alerts: AlertStore;
  now: () => number;
}

const response = (r: {
  status: HealthReport["status"];
  issues: string[];
  stats: HealthStats;
  timestampMs: number;
}): HealthResponse => ({
  success: true,
  health: {
    status: r.status,
    issues: r.issues,
    stats: r.stats,
    timestamp: new Date(r.timestampMs).toISOString(),
  },
});

export function healthService(deps: HealthServiceDeps) {
  const current = deps.db
    .collection(COLLECTIONS.health)
    .doc(CURRENT_HEALTH_DOC)
    .withConverter(storedHealthConverter);

  /**
   * Stores the report unless a newer evaluation already did (runs may finish out of order), or there is
   * nothing to monitor and nothing stored yet: a project that monitors nothing gets no documents.
   */
  const saveReport = (report: HealthReport, observed: boolean) =>
    deps.db.runTransaction(async (tx) => {
      const stored = (await tx.get(current)).data();
      if (!observed && !stored) return;
      if (stored && stored.timestamp.toMillis() > report.timestampMs) return;
      const { timestampMs, ...rest } = report;
      tx.set(current, { ...rest, timestamp: Timestamp.fromMillis(timestampMs) });
    });

  async function evaluate(nowMs: number): Promise<HealthReport> {
    const config = await deps.config.get();
    const { inputs, stats, observed } = await readHealthInputs(deps.db, deps.store, deps.deadLetters, nowMs);
    const evaluation = evaluateHealth(inputs, config, nowMs);
    const silent = evaluation.findings.filter((f) => f.rule === "host_silent").length;
    const report: HealthReport = {
      ...evaluation,
      stats: { ...stats, hosts_reporting: inputs.hosts.length - silent, hosts_silent: silent },
      timestampMs: nowMs,
    };
    await saveReport(report, observed);
    const alerts = await deps.alerts.reconcile(evaluation.findings, nowMs, config.alert_hold_seconds * 1000);
    if (alerts.opened + alerts.fired + alerts.resolved + alerts.dropped > 0)
      logger.info("alerts changed", alerts);
    return report;
  }

  return {
    evaluate,

    /** The last evaluation in the contract's shape; evaluates now if there has never been one. */
    async getHealth(): Promise<HealthResponse> {
      const stored = (await current.get()).data();
      if (!stored) return response(await evaluate(deps.now()));
      return response({ ...stored, timestampMs: stored.timestamp.toMillis() });
    },

    async setConfig(overrides: HealthConfigOverrides) {
      return { success: true as const, config: await deps.config.set(overrides) };
    },
  };
}

export type HealthService = ReturnType<typeof healthService>;
