/**
 * Folds finished traces into the aggregates, exactly once per source document: the transaction reads
 * the source document's `aggregated` mark and sets it with the aggregate writes, so a duplicate or
 * concurrent delivery of the same event finds it set and changes nothing.
 */
import type { DocumentData, DocumentReference, Firestore, Timestamp } from "firebase-admin/firestore";
import { isSlow, type TraceType } from "@aideon-perf/core";
import { COLLECTIONS } from "../firestore";
import type { ThresholdsConfig } from "../config/thresholds-config";
import type { StatsStore } from "./stats-store";
import { addAbandonedTrace, addFinishedTrace, emptyDelta } from "./trace-stats";
import { slowOperation } from "./slow-operation";
import { expiryFrom } from "../traces/trace-rules";

interface StoredTrace {
  name: string;
  trace_type: TraceType;
  duration: number;
  start_time: Timestamp;
  attributes?: Record<string, string | number | boolean>;
}

export interface FinishedTracesDeps {
  db: Firestore;
  store: StatsStore;
  thresholds: ThresholdsConfig;
  retentionDays: () => number;
}

export function finishedTraces(deps: FinishedTracesDeps) {
  const slowOps = deps.db.collection(COLLECTIONS.slowOperations);

  /**
   * Aggregates the traces of one source document. `slowId(i)` names the slow-operation record of trace
   * i deterministically, so a record is never written twice either.
   */
  async function aggregateOnce(
    source: DocumentReference,
    tracesOf: (data: DocumentData) => StoredTrace[],
    bucketMs: (data: DocumentData) => number,
    slowId: (i: number) => string,
  ): Promise<{ aggregated: number; slow: number } | null> {
    const thresholds = await deps.thresholds.get();
    return deps.db.runTransaction(async (tx) => {
      const snap = await tx.get(source);
      const data = snap.data();
      if (!data || data.aggregated === true) return null;
      const traces = tracesOf(data);
      if (traces.length === 0) return null;
      const delta = emptyDelta();
      for (const t of traces) addFinishedTrace(delta, t, thresholds[t.trace_type]);
      // A server time (receive or stop): the bucket and every expire_at below come from it.
      const serverMs = bucketMs(data);
      const writes = await deps.store.stageDelta(tx, delta, serverMs, source.path);
      writes();
      let slow = 0;
      traces.forEach((t, i) => {
        const threshold = thresholds[t.trace_type];
        if (!isSlow(t.duration, threshold)) return;
        slow += 1;
        const endMs = t.start_time.toMillis() + t.duration * 1000;
        tx.set(slowOps.doc(slowId(i)), {
          ...slowOperation(t, endMs, threshold),
          expire_at: expiryFrom(serverMs, deps.retentionDays()),
        });
      });
      tx.update(source, { aggregated: true });
      return { aggregated: traces.length, slow };
    });
  }

  return {
    /** A recordTraces batch chunk: all its traces, bucketed by when the batch arrived. */
    batchChunk: (ref: DocumentReference) =>
      aggregateOnce(
        ref,
        (d) => d.traces as StoredTrace[],
        (d) => (d.received_at as Timestamp).toMillis(),
        (i) => `${ref.id}_${i}`,
      ),

    /** A stopped server-tracked trace, bucketed by when it stopped. */
    stoppedTrace: (ref: DocumentReference) =>
      aggregateOnce(
        ref,
        (d) => (d.status === "finished" ? [d as StoredTrace] : []),
        (d) => (d.end_time as Timestamp).toMillis(),
        () => ref.id,
      ),

    /** Marks a trace abandoned (counted, never in duration statistics) unless it was stopped meanwhile. */
    async abandon(ref: DocumentReference, nowMs: number): Promise<boolean> {
      return deps.db.runTransaction(async (tx) => {
        const snap = await tx.get(ref);
        if (snap.get("status") !== "active") return false;
        const delta = emptyDelta();
        addAbandonedTrace(delta, snap.get("trace_type"), snap.get("name"));
        const writes = await deps.store.stageDelta(tx, delta, nowMs, ref.path);
        writes();
        tx.update(ref, { status: "abandoned", end_time: new Date(nowMs), aggregated: true });
        return true;
      });
    },
  };
}

export type FinishedTraces = ReturnType<typeof finishedTraces>;
