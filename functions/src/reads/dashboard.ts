/**
 * getDashboard: the contract's create_performance_dashboard widget list, extended with what the Hosting
 * dashboard shows, composed from the read services the other callables use (no read of its own kind).
 * Its cost is the sum of theirs: getStats, one type read per charted window, one name read per listed
 * name, getSlowOperations, the hosts, getHealth, getAlerts and the two configuration documents.
 */
import {
  DASHBOARD_ALERTS,
  DASHBOARD_NAMES_PER_TYPE,
  DASHBOARD_SERIES_WINDOWS,
  DASHBOARD_SLOW_OPERATIONS,
  summarize,
  type DashboardRequest,
  type DashboardResponse,
  type DashboardWidget,
  type HealthConfig,
  type HealthResponse,
  type StatsWindow,
  type TraceType,
} from "@aideon-perf/core";
import type { StatsStore } from "../aggregation/stats-store";
import { emptyStats, nameKey, type TraceStats } from "../aggregation/trace-stats";
import type { AlertReads } from "../alerts/alert-reads";
import type { Thresholds } from "../config/thresholds-config";
import type { HostDoc } from "../hosts/host-store";
import { isReporting } from "../hosts/system-metrics";
import type { StatsService } from "./stats-service";

export interface DashboardDeps {
  stats: StatsService;
  store: StatsStore;
  hosts: () => Promise<HostDoc[]>;
  health: () => Promise<HealthResponse>;
  alerts: AlertReads;
  thresholds: () => Promise<Thresholds>;
  healthConfig: () => Promise<HealthConfig>;
  now: () => number;
}

type Widget<I extends DashboardWidget["id"]> = Extract<DashboardWidget, { id: I }>;

export function dashboardService(deps: DashboardDeps) {
  const percentiles = (stats: TraceStats) => {
    const { count, p50_duration, p95_duration, p99_duration } = summarize(stats);
    return { count, p50_duration, p95_duration, p99_duration };
  };

  /** Each charted window in one read of its type aggregates (all types at once). */
  async function durationsByType(now: number): Promise<Widget<"durations-by-type">["data"]["windows"]> {
    const reads = await Promise.all(DASHBOARD_SERIES_WINDOWS.map((w) => deps.store.readWindow(w, now)));
    const byType = (types: Partial<Record<TraceType, TraceStats>>) =>
      Object.fromEntries(
        Object.entries(types).flatMap(([type, s]) => (s.count > 0 ? [[type, percentiles(s)]] : [])),
      );
    return Object.fromEntries(
      DASHBOARD_SERIES_WINDOWS.map((w, i) => [w, byType(reads[i]!.types)]),
    ) as Widget<"durations-by-type">["data"]["windows"];
  }

  /** The most recently seen names of each type with traffic in the window, one name read each. */
  async function nameRows(
    window: StatsWindow,
    types: TraceType[],
    now: number,
  ): Promise<Widget<"trace-names">["data"]> {
    const names = (await Promise.all(types.map((t) => deps.store.names(t, DASHBOARD_NAMES_PER_TYPE)))).flat();
    return Promise.all(
      names.map(async (n) => {
        const key = nameKey(n.trace_type, n.name);
        const stats = (await deps.store.readWindow(window, now, key)).names[key]?.stats ?? emptyStats();
        return {
          trace_type: n.trace_type,
          name: n.name,
          count: stats.count,
          p95_duration: summarize(stats).p95_duration,
          slow_count: stats.slow,
          last_seen: n.last_seen.toDate().toISOString(),
        };
      }),
    );
  }

  const hostRows = (hosts: HostDoc[], now: number): Widget<"hosts">["data"] =>
    hosts
      .sort((a, b) => b.last_seen.toMillis() - a.last_seen.toMillis())
      .map((h) => ({
        host_id: h.host_id,
        cpu_percent: h.latest.cpu.percent,
        memory_percent: h.latest.memory.percent,
        disk_percent: h.latest.disk.percent,
        last_seen: h.last_seen.toDate().toISOString(),
        silent: !isReporting(h.last_seen.toMillis(), h.interval_seconds, now),
      }));

  return {
    async getDashboard(req: DashboardRequest): Promise<DashboardResponse> {
      const now = deps.now();
      const { stats } = await deps.stats.getStats({ window: req.window });
      const types = Object.keys(stats.traces_by_type) as TraceType[];
      const [windows, names, slow, hosts, health, alerts, thresholds, healthConfig] = await Promise.all([
        durationsByType(now),
        nameRows(req.window, types, now),
        deps.stats.getSlowOperations({ limit: DASHBOARD_SLOW_OPERATIONS }),
        deps.hosts(),
        deps.health(),
        deps.alerts.getAlerts({ limit: DASHBOARD_ALERTS }),
        deps.thresholds(),
        deps.healthConfig(),
      ]);
      const widgets: DashboardWidget[] = [
        // The contract's three, verbatim.
        { id: "total-traces", type: "metric", title: "Total Traces", value: stats.total_traces },
        {
          id: "average-durations",
          type: "chart",
          title: "Average Response Times",
          data: stats.average_durations,
        },
        {
          id: "cpu-gauge",
          type: "gauge",
          title: "System CPU Usage",
          value: stats.system_metrics.cpu.percent,
        },
        { id: "active-traces", type: "metric", title: "Active Traces", value: stats.active_traces },
        { id: "abandoned-traces", type: "metric", title: "Abandoned Traces", value: stats.abandoned_traces },
        {
          id: "slow-operations-count",
          type: "metric",
          title: "Slow Operations",
          value: stats.slow_operations_count,
        },
        { id: "durations-by-type", type: "chart", title: "Durations by Type", data: { windows, thresholds } },
        { id: "trace-names", type: "table", title: "Trace Names", data: names },
        { id: "slow-operations", type: "list", title: "Recent Slow Operations", data: slow.slow_operations },
        { id: "hosts", type: "table", title: "Hosts", data: hostRows(hosts, now) },
        {
          id: "health",
          type: "status",
          title: "Health",
          value: health.health.status,
          data: { issues: health.health.issues, timestamp: health.health.timestamp },
        },
        { id: "alerts", type: "list", title: "Alerts", data: alerts.alerts },
        { id: "thresholds", type: "config", title: "Thresholds", data: thresholds },
        { id: "health-settings", type: "config", title: "Health Settings", data: healthConfig },
      ];
      return { success: true, window: req.window, generated_at: new Date(now).toISOString(), widgets };
    },
  };
}

export type DashboardService = ReturnType<typeof dashboardService>;
