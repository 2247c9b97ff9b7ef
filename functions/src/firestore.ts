import { getApps, initializeApp } from "firebase-admin/app";
import { getFirestore, type Firestore } from "firebase-admin/firestore";

/** Lazily initialised so that importing a module (deploy-time discovery, tests) opens no connection. */
export function db(): Firestore {
  if (getApps().length === 0) initializeApp();
  return getFirestore();
}

/** Collection names in one place: rules, indexes, TTL policies and code must agree on them. */
export const COLLECTIONS = {
  /** One document per server-tracked trace (startTrace / stopTrace / addMetric). */
  traces: "perf_traces",
  /** Client-measured traces, one document per recordTraces batch (more only when a batch exceeds a chunk). */
  traceBatches: "perf_trace_batches",
} as const;
