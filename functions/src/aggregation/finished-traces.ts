/**
 * Folds finished traces into the aggregates, exactly once per source document: the transaction reads
 * the source document's `aggregated` mark and sets it with the aggregate writes, so a duplicate or
 * concurrent delivery of the same event finds it set and changes nothing.
 */
import { Timestamp, type DocumentReference, type Firestore } from "firebase-admin/firestore";
import { isSlow } from "@aideon-perf/core";
import { COLLECTIONS } from "../firestore";
import { storedTraceBatchConverter, type StoredBatchTrace, type StoredTraceBatch } from "../stored/trace-batches";
import { storedSlowOperationConverter } from "../stored/slow-operations";
import { storedTraceConverter, type StoredTrace } from "../stored/traces";
import type { ThresholdsConfig } from "../config/thresholds-config";
import type { StatsStore } from "./stats-store";
import { addAbandonedTrace, addFinishedTrace, emptyDelta } from "./trace-stats";
import { slowOperation } from "./slow-operation";
import { expiryFrom } from "../traces/trace-rules";

/** What aggregation needs of a finished trace, whichever collection stored it. */
type FinishedTrace = Pick<StoredBatchTrace, "name" | "trace_type" | "duration" | "start_time" | "attributes">;

/** A source document's finished traces and the server time (receive or stop) they are bucketed by. */
interface FinishedSource {
  traces: FinishedTrace[];
  serverMs: number;
}

export interface FinishedTracesDeps {
  db: Firestore;
  store: StatsStore;
  thresholds: ThresholdsConfig;
  retentionDays: () => number;
}

export function finishedTraces(deps: FinishedTracesDeps) {
  const slowOps = deps.db.collection(COLLECTIONS.slowOperations).withConverter(storedSlowOperationConverter);

  /**
   * Aggregates the traces of one source document. `slowId(i)` names the slow-operation record of trace
   * i deterministically, so a record is never written twice either.
   */
  async function aggregateOnce<T extends StoredTraceBatch | StoredTrace>(
    source: DocumentReference<T>,
    finishedOf: (data: T) => FinishedSource | null,
    slowId: (i: number) => string,
  ): Promise<{ aggregated: number; slow: number } | null> {
    const thresholds = await deps.thresholds.get();
    return deps.db.runTransaction(async (tx) => {
      const snap = await tx.get(source);
      const data = snap.data();
      if (!data || data.aggregated === true) return null;
      const finished = finishedOf(data);
      if (!finished || finished.traces.length === 0) return null;
      const { traces, serverMs } = finished;
      const delta = emptyDelta();
      for (const t of traces) addFinishedTrace(delta, t, thresholds[t.trace_type]);
      // A server time (receive or stop): the bucket and every expire_at below come from it.
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
          expire_at: Timestamp.fromDate(expiryFrom(serverMs, deps.retentionDays())),
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
        ref.withConverter(storedTraceBatchConverter),
        (d) => ({ traces: d.traces, serverMs: d.received_at.toMillis() }),
        (i) => `${ref.id}_${i}`,
      ),

    /** A stopped server-tracked trace, bucketed by when it stopped. */
    stoppedTrace: (ref: DocumentReference) =>
      aggregateOnce(
        ref.withConverter(storedTraceConverter),
        ({ status, duration, end_time, ...trace }) =>
          status === "finished" && duration !== null && end_time !== null
            ? { traces: [{ ...trace, duration }], serverMs: end_time.toMillis() }
            : null,
        () => ref.id,
      ),

    /** Marks a trace abandoned (counted, never in duration statistics) unless it was stopped meanwhile. */
    async abandon(untyped: DocumentReference, nowMs: number): Promise<boolean> {
      const ref = untyped.withConverter(storedTraceConverter);
      return deps.db.runTransaction(async (tx) => {
        const trace = (await tx.get(ref)).data();
        if (trace?.status !== "active") return false;
        const delta = emptyDelta();
        addAbandonedTrace(delta, trace.trace_type, trace.name);
        const writes = await deps.store.stageDelta(tx, delta, nowMs, ref.path);
        writes();
        tx.update(ref, { status: "abandoned", end_time: Timestamp.fromMillis(nowMs), aggregated: true });
        return true;
      });
    },
  };
}

export type FinishedTraces = ReturnType<typeof finishedTraces>;
