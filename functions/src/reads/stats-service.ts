/**
 * The read APIs, in the contract's response shapes. Every read costs a bounded number of documents
 * (the window's rollups plus at most OPEN_SHARDS_READ open shards), whatever the traffic or the
 * number of names; counts come from the aggregates, never from count() over stored records.
 */
import type { Firestore } from "firebase-admin/firestore";
import {
  summarize,
  type SlowOperationsRequest,
  type StatsRequest,
  type TraceSummaryRequest,
  type TraceNamesRequest,
  type HostSample,
  type TraceType,
} from "@aideon-perf/core";
import { fleetSummary } from "../hosts/system-metrics";
import { COLLECTIONS } from "../firestore";
import type { StatsStore } from "../aggregation/stats-store";
import type { WindowRead } from "../aggregation/window-reader";
import { emptyStats, nameKey, statsOfTypes, type TraceStats } from "../aggregation/trace-stats";
import { storedSlowOperationConverter } from "../stored/slow-operations";
import { decodePageToken, encodePageToken, isAfter, newestFirstPage } from "./page-token";
import { slowOperation } from "../aggregation/slow-operation";

export interface StatsServiceDeps {
  db: Firestore;
  store: StatsStore;
  now: () => number;
  /** Days a slow-operation record is kept (live ones are shown as their record will be). */
  retentionDays: () => number;
  /** Latest samples of the hosts still reporting, for the contract's system_metrics. */
  reportingHosts: (nowMs: number) => Promise<HostSample[]>;
}

export function statsService(deps: StatsServiceDeps) {
  const traces = deps.db.collection(COLLECTIONS.traces);
  const slowOps = deps.db.collection(COLLECTIONS.slowOperations).withConverter(storedSlowOperationConverter);

  /** count() costs one read per 1000 matching index entries: bounded by traces in flight (abandoned after a limit), not stored. */
  const activeTraces = async () => (await traces.where("status", "==", "active").count().get()).data().count;

  /** Traffic past the name budget, of one type or all: what a read of names cannot see. */
  const cardinality = (read: WindowRead, traceType?: TraceType) => {
    let names_over_budget = 0;
    let other_count = 0;
    for (const [type, b] of Object.entries(read.budget)) {
      if (traceType && type !== traceType) continue;
      names_over_budget += b?.names_over_budget ?? 0;
      other_count += b?.other_count ?? 0;
    }
    return { names_over_budget, other_count };
  };

  return {
    async getStats(req: StatsRequest) {
      const now = deps.now();
      const [delta, active, hosts] = await Promise.all([
        deps.store.readWindow(req.window, now),
        activeTraces(),
        deps.reportingHosts(now),
      ]);
      const entries = (Object.entries(delta.types) as Array<[TraceType, TraceStats]>).filter(
        ([, s]) => s.count > 0,
      );
      const total = statsOfTypes(delta);
      return {
        success: true as const,
        stats: {
          total_traces: total.count,
          traces_by_type: Object.fromEntries(entries.map(([type, s]) => [type, s.count])),
          average_durations: Object.fromEntries(entries.map(([type, s]) => [type, s.sum / s.count])),
          active_traces: active,
          slow_operations_count: total.slow,
          abandoned_traces: total.abandoned,
          system_metrics: fleetSummary(hosts),
          window: req.window,
          ...cardinality(delta),
        },
      };
    },

    async getTraceSummary(req: TraceSummaryRequest) {
      const key = req.name !== undefined && req.trace_type ? nameKey(req.trace_type, req.name) : undefined;
      const delta = await deps.store.readWindow(req.window, deps.now(), key);
      const stats = key ? (delta.names[key]?.stats ?? emptyStats()) : statsOfTypes(delta, req.trace_type);
      return {
        success: true as const,
        summary: summarize(stats),
        trace_type: req.trace_type ?? null,
        ...(req.name !== undefined ? { name: req.name } : {}),
        window: req.window,
        ...cardinality(delta, req.trace_type),
      };
    },

    /** The name registry of a type, most recently seen first: which names exist. */
    async getTraceNames(req: TraceNamesRequest) {
      const names = await deps.store.names(req.trace_type, req.limit);
      return {
        success: true as const,
        trace_type: req.trace_type,
        names: names.map((n) => ({
          name: n.name,
          first_seen: n.first_seen.toDate().toISOString(),
          last_seen: n.last_seen.toDate().toISOString(),
        })),
      };
    },

    /**
     * Newest first; next_page_token continues after the last item, null on the last page. The stored
     * records are the slowest per name and minute (written by the fold); slow traces of minutes not
     * folded yet come live from the shards, so a slow trace is listed within seconds. total_count is
     * every slow trace ever counted (the all-time aggregates), exact however many records are kept.
     */
    async getSlowOperations(req: SlowOperationsRequest) {
      const filtered = req.trace_type ? slowOps.where("type", "==", req.trace_type) : slowOps;
      const cursor = req.page_token ? decodePageToken(req.page_token) : undefined;
      // One pass over the open shards gives both the exact count and the live samples.
      const [stored, all] = await Promise.all([
        newestFirstPage(filtered, "timestamp", req.limit, req.page_token),
        deps.store.readWindow("all", deps.now(), undefined, { traceType: req.trace_type }),
      ]);
      const items = [
        ...stored.docs.map((d) => ({ id: d.id, op: d.data() })),
        ...all.live.map((l) => ({
          id: l.id,
          op: slowOperation(l.trace_type, l.sample, deps.retentionDays()),
        })),
      ]
        .filter(({ id, op }) => !cursor || isAfter({ timestampMs: op.timestamp.toMillis(), id }, cursor))
        .sort(
          (a, b) =>
            b.op.timestamp.toMillis() - a.op.timestamp.toMillis() || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0),
        );
      const page = items.slice(0, req.limit);
      const last = page[page.length - 1];
      const more = items.length > req.limit || stored.nextPageToken !== null;
      return {
        success: true as const,
        slow_operations: page.map(({ op }) => ({
          timestamp: op.timestamp.toDate().toISOString(),
          message: op.message,
          type: op.type,
          context: op.context,
        })),
        total_count: statsOfTypes(all, req.trace_type).slow,
        next_page_token:
          more && last ? encodePageToken({ timestampMs: last.op.timestamp.toMillis(), id: last.id }) : null,
      };
    },
  };
}

export type StatsService = ReturnType<typeof statsService>;
