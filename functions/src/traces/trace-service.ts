import { Timestamp, type Firestore, type Transaction } from "firebase-admin/firestore";
import {
  DAY_MS,
  clampClientTime,
  isSlow,
  type Threshold,
  type TraceType,
  type AddMetricRequest,
  type AddMetricResponse,
  type RecordTracesRequest,
  type RecordTracesResponse,
  type StartTraceRequest,
  type StartTraceResponse,
  type StopTraceRequest,
  type StopTraceResponse,
} from "@aideon-perf/core";
import { COLLECTIONS } from "../firestore";
import { storedBatchChunkConverter, type StoredChunkTrace } from "../stored/batch-chunks";
import { storedTraceConverter } from "../stored/traces";
import { errors } from "../errors";
import { ingestKeyField, type Principal } from "../admission/principal";
import { batchKey, chunkBySize, chunkDocumentId } from "./batch-plan";
import { durationSeconds, mergeAttributes, mergeMetrics } from "./trace-rules";
import { expireAt } from "../stored/expire-at";

export interface TraceServiceDeps {
  db: Firestore;
  /** Admission control: takes a call's units from the principal's quotas, or throws resource-exhausted. */
  admit: (principal: Principal, units: number) => Promise<void>;
  /** Per trace (true: slow), whether it counts for health (admission/health-sources.ts). */
  healthFlags: (principal: Principal, slow: readonly boolean[]) => Promise<boolean[]>;
  /** The effective thresholds, to know which traces are slow for the health caps. */
  thresholds: () => Promise<Readonly<Record<TraceType, Threshold>>>;
  /** Server clock in epoch ms; injectable so tests control durations. */
  now: () => number;
  newTraceId: () => string;
  retentionDays: () => number;
}

/** gRPC status ALREADY_EXISTS: a create() precondition failed. */
const ALREADY_EXISTS = 6;

/**
 * The trace ingestion service shared by the callables, the REST API and the OTLP receiver: validated
 * requests in, responses in the contract's shapes out. Every rejected call throws before or inside a
 * single atomic commit, so nothing is half-written.
 */
export function traceService(deps: TraceServiceDeps) {
  const traces = () => deps.db.collection(COLLECTIONS.traces).withConverter(storedTraceConverter);
  const batchChunk = (key: string, index: number) =>
    deps.db
      .collection(COLLECTIONS.traceBatches)
      .doc(chunkDocumentId(key, index))
      .withConverter(storedBatchChunkConverter);

  /** Reads a server-tracked trace for a change by its owner, inside the caller's transaction. */
  async function activeTraceOf(tx: Transaction, uid: string, traceId: string) {
    const ref = traces().doc(traceId);
    const snap = await tx.get(ref);
    const trace = snap.data();
    if (!trace) throw errors.traceNotFound(traceId);
    if (trace.owner_uid !== uid) throw errors.traceOfAnotherUser(traceId);
    if (trace.status !== "active") throw errors.traceNotActive(traceId, trace.status);
    return { ref, trace };
  }

  return {
    async startTrace(principal: Principal, req: StartTraceRequest): Promise<StartTraceResponse> {
      await deps.admit(principal, 1);
      const uid = principal.id;
      const traceId = deps.newTraceId();
      const startMs = deps.now();
      await traces()
        .doc(traceId)
        .create({
          name: req.name,
          trace_type: req.trace_type,
          attributes: req.attributes ?? {},
          metrics: {},
          status: "active",
          owner_uid: uid,
          ...ingestKeyField(principal),
          start_time: Timestamp.fromMillis(startMs),
          end_time: null,
          duration: null,
          expire_at: expireAt(startMs, deps.retentionDays() * DAY_MS),
          aggregated: false,
          dead_letter: false,
        });
      return { success: true, trace_id: traceId, message: "Trace started successfully" };
    },

    async stopTrace(principal: Principal, req: StopTraceRequest): Promise<StopTraceResponse> {
      await deps.admit(principal, 1);
      const uid = principal.id;
      const thresholds = await deps.thresholds();
      const duration = await deps.db.runTransaction(async (tx) => {
        const { ref, trace } = await activeTraceOf(tx, uid, req.trace_id);
        const stopMs = deps.now();
        const seconds = durationSeconds(trace.start_time.toMillis(), stopMs);
        const [counts] = await deps.healthFlags(principal, [isSlow(seconds, thresholds[trace.trace_type])]);
        tx.update(ref, {
          ...(counts ? {} : { health: false }),
          attributes: mergeAttributes(trace.attributes, req.attributes),
          metrics: mergeMetrics(trace.metrics, req.metrics),
          status: "finished",
          end_time: Timestamp.fromMillis(stopMs),
          duration: seconds,
        });
        return seconds;
      });
      return { success: true, trace_id: req.trace_id, duration, message: "Trace stopped successfully" };
    },

    async addMetric(principal: Principal, req: AddMetricRequest): Promise<AddMetricResponse> {
      await deps.admit(principal, 1);
      const uid = principal.id;
      await deps.db.runTransaction(async (tx) => {
        const { ref, trace } = await activeTraceOf(tx, uid, req.trace_id);
        tx.update(ref, { metrics: mergeMetrics(trace.metrics, { [req.metric_name]: req.value }) });
      });
      return { success: true, trace_id: req.trace_id, metric_name: req.metric_name, value: req.value };
    },

    /**
     * Stores a client-measured batch as one batch chunk document (a few for very large batches), all
     * created in one atomic commit. The create() precondition makes a retried batch_id a no-op:
     * duplicate: true.
     */
    async recordTraces(principal: Principal, req: RecordTracesRequest): Promise<RecordTracesResponse> {
      // Before anything is written; a retried batch is charged again (it is stored once).
      await deps.admit(principal, req.traces.length);
      const uid = principal.id;
      const key = batchKey(uid, req.batch_id);
      const receivedMs = deps.now();
      const thresholds = await deps.thresholds();
      const counts = await deps.healthFlags(
        principal,
        req.traces.map((t) => isSlow(t.duration, thresholds[t.trace_type])),
      );
      const stored = req.traces.map((t, i): StoredChunkTrace => {
        const start = clampClientTime(t.start_time, receivedMs);
        return {
          name: t.name,
          trace_type: t.trace_type,
          start_time: Timestamp.fromMillis(start.ms),
          // Only on a clamped trace: what the client's clock said, so a broken clock shows.
          ...(start.clampedByMs === 0 ? {} : { client_start_time: Timestamp.fromMillis(t.start_time) }),
          duration: t.duration,
          attributes: t.attributes ?? {},
          metrics: t.metrics ?? {},
          ...(counts[i] ? {} : { health: false as const }),
        };
      });
      const chunks = chunkBySize(stored);
      const writeBatch = deps.db.batch();
      chunks.forEach((chunkTraces, index) => {
        writeBatch.create(batchChunk(key, index), {
          batch_id: req.batch_id,
          owner_uid: uid,
          ...ingestKeyField(principal),
          chunk: index,
          chunk_count: chunks.length,
          trace_count: stored.length,
          traces: chunkTraces,
          clamped_start_times: chunkTraces.filter((t) => t.client_start_time !== undefined).length,
          received_at: Timestamp.fromMillis(receivedMs),
          expire_at: expireAt(receivedMs, deps.retentionDays() * DAY_MS),
          aggregated: false,
          dead_letter: false,
        });
      });
      try {
        await writeBatch.commit();
        return { success: true, batch_id: req.batch_id, accepted: stored.length, duplicate: false };
      } catch (e) {
        if ((e as { code?: unknown }).code !== ALREADY_EXISTS) throw e;
        // The earlier call's count is what is stored; report that, not this retry's.
        const first = await batchChunk(key, 0).get();
        return {
          success: true,
          batch_id: req.batch_id,
          accepted: first.data()?.trace_count ?? 0,
          duplicate: true,
        };
      }
    },
  };
}

export type TraceService = ReturnType<typeof traceService>;
