import { getApps, initializeApp } from "firebase-admin/app";
import { getFirestore, type Firestore } from "firebase-admin/firestore";

/** Lazily initialised so that importing a module (deploy-time discovery, tests) opens no connection. */
export function db(): Firestore {
  if (!getApps().some((app) => app.name === "[DEFAULT]")) initializeApp();
  return getFirestore();
}

/** Collection names in one place: rules, indexes, TTL policies and code must agree on them. */
export const COLLECTIONS = {
  /** One document per server-tracked trace (startTrace / stopTrace / addMetric). */
  traces: "perf_traces",
  /** Batch chunks: client-measured traces, one per recordTraces batch (more when it exceeds a chunk). */
  traceBatches: "perf_trace_batches",
  /** Per-minute, per-shard statistics written by the triggers until the fold rolls them up. */
  aggregateShards: "perf_agg_shards",
  /** Per-type statistics per minute / hour / day and all time, written by the fold. */
  aggregateRollups: "perf_agg_rollups",
  /** Per-name statistics per minute / hour / day and all time, written by the fold. */
  nameRollups: "perf_agg_name_rollups",
  /** One document per folded (or folding) minute: the seal late triggers respect, and the fold's progress. */
  aggregateFolds: "perf_agg_folds",
  /** The name registry: one document per (type, name) ever aggregated, first and last seen, expiring. */
  nameRegistry: "perf_agg_names",
  /** Trigger events and folds that failed for good, with their reasons (see stored/dead-letters.ts). */
  deadLetters: "perf_dead_letters",
  /** The slowest traces per name and minute (written by the fold), in the contract's shape. */
  slowOperations: "perf_slow_operations",
  /** One document per agent key: host, label and the secret's hash (never the key). */
  agentKeys: "perf_agent_keys",
  /** One document per ingest key (a backend's recording credential): name, trust and the secret's hash. */
  ingestKeys: "perf_ingest_keys",
  /** One document per host: its latest sample, when it was seen, its push interval. */
  hosts: "perf_hosts",
  /** A host's samples, one document per host and hour, keyed by sample_id inside. */
  hostSeries: "perf_host_series",
  /** The latest health evaluation (document `current`), written by evaluateHealth. */
  health: "perf_health",
  /** Open alerts at `{rule}:{subject}`; resolved ones (history) at unique ids, expiring by TTL. */
  alerts: "perf_alerts",
  /** The alert notification outbox: one document per firing / resolved announcement, sent by a trigger. */
  alertNotifications: "perf_alert_notifications",
  /** Recording quota counters: per principal per minute and day, per project per minute (sharded) and day. */
  quotas: "perf_quotas",
  /** Runtime configuration documents (e.g. thresholds). */
  config: "perf_config",
} as const;
