/**
 * Adds finished traces to the aggregates, exactly once per triggering document: the transaction reads
 * the triggering document's `aggregated` mark and sets it with the shard write, so a duplicate or
 * concurrent delivery of the same event finds it set and changes nothing. Slow traces travel in the
 * shard as samples; the fold writes their records (bounded per name and minute), not this transaction.
 */
import { Timestamp, type DocumentReference, type Firestore } from "firebase-admin/firestore";
import {
  storedBatchChunkConverter,
  type StoredChunkTrace,
  type StoredBatchChunk,
} from "../stored/batch-chunks";
import { storedTraceConverter, type StoredTrace } from "../stored/traces";
import type { ThresholdsConfig } from "../config/thresholds-config";
import type { StatsStore } from "./stats-store";
import { addAbandonedTrace, addFinishedTrace, emptyDelta } from "./trace-stats";

/** What aggregation reads of a stored finished trace, whichever collection stored it. */
type StoredFinishedTrace = Pick<
  StoredChunkTrace,
  "name" | "trace_type" | "duration" | "start_time" | "attributes"
>;

/** A triggering document's finished traces and the server time (receive or stop) they are bucketed by. */
interface DocumentTraces {
  traces: StoredFinishedTrace[];
  serverMs: number;
}

/**
 * The shard of a triggering document's delta, another on each transaction attempt. Exactly-once comes from
 * the triggering document's `aggregated` mark, not from the shard, so a retry may land elsewhere; that is what keeps
 * two triggers that collided on one shard (and aborted on each other's locks) from colliding again.
 */
const shardKey = (documentPath: string, attempt: number) =>
  attempt === 1 ? documentPath : `${documentPath}#${attempt}`;

export interface FinishedTracesDeps {
  db: Firestore;
  store: StatsStore;
  thresholds: ThresholdsConfig;
  now: () => number;
}

export function finishedTraces(deps: FinishedTracesDeps) {
  /** Aggregates the traces of one triggering document, unless it already was. */
  async function aggregateOnce<T extends StoredBatchChunk | StoredTrace>(
    document: DocumentReference<T>,
    finishedOf: (data: T) => DocumentTraces | null,
  ): Promise<{ aggregated: number; slow: number } | null> {
    const thresholds = await deps.thresholds.get();
    let attempt = 0;
    return deps.db.runTransaction(async (tx) => {
      attempt += 1;
      const snap = await tx.get(document);
      const data = snap.data();
      if (!data || data.aggregated === true) return null;
      const finished = finishedOf(data);
      if (!finished || finished.traces.length === 0) return null;
      const { traces, serverMs } = finished;
      const delta = emptyDelta();
      for (const t of traces) {
        const end_ms = t.start_time.toMillis() + t.duration * 1000;
        addFinishedTrace(delta, t, thresholds[t.trace_type], { end_ms, server_ms: serverMs });
      }
      // A server time (receive or stop): the bucket and the slow records' expiry come from it.
      const writes = await deps.store.stageDelta(
        tx,
        delta,
        serverMs,
        shardKey(document.path, attempt),
        deps.now(),
      );
      writes();
      tx.update(document, { aggregated: true });
      const slow = Object.values(delta.types).reduce((n, s) => n + (s?.slow ?? 0), 0);
      return { aggregated: traces.length, slow };
    });
  }

  return {
    /** A recordTraces batch chunk: all its traces, bucketed by when the batch arrived. */
    batchChunk: (ref: DocumentReference) =>
      aggregateOnce(ref.withConverter(storedBatchChunkConverter), (d) => ({
        traces: d.traces,
        serverMs: d.received_at.toMillis(),
      })),

    /** A stopped server-tracked trace, bucketed by when it stopped. */
    stoppedTrace: (ref: DocumentReference) =>
      aggregateOnce(ref.withConverter(storedTraceConverter), ({ status, duration, end_time, ...trace }) =>
        status === "finished" && duration !== null && end_time !== null
          ? { traces: [{ ...trace, duration }], serverMs: end_time.toMillis() }
          : null,
      ),

    /** Marks a trace abandoned (counted, never in duration statistics) unless it was stopped meanwhile. */
    async abandon(untyped: DocumentReference, nowMs: number): Promise<boolean> {
      const ref = untyped.withConverter(storedTraceConverter);
      let attempt = 0;
      return deps.db.runTransaction(async (tx) => {
        attempt += 1;
        const trace = (await tx.get(ref)).data();
        if (trace?.status !== "active") return false;
        const delta = emptyDelta();
        addAbandonedTrace(delta, trace.trace_type, trace.name);
        const writes = await deps.store.stageDelta(tx, delta, nowMs, shardKey(ref.path, attempt), nowMs);
        writes();
        tx.update(ref, { status: "abandoned", end_time: Timestamp.fromMillis(nowMs), aggregated: true });
        return true;
      });
    },
  };
}

export type FinishedTraces = ReturnType<typeof finishedTraces>;
