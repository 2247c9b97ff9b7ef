/** The scheduled jobs' work, apart from their schedule wiring so that tests can run them directly. */
import { logger } from "firebase-functions";
import { bucketKey, MINUTE_MS } from "@aideon-perf/core";
import type { DocumentReference, Firestore } from "firebase-admin/firestore";
import { COLLECTIONS } from "../firestore";
import { storedTraceConverter } from "../stored/traces";
import type { StatsStore } from "./stats-store";
import type { FinishedTraces } from "./finished-traces";
import { failureReason, type DeadLetters } from "./dead-letters";

/**
 * A minute is folded once it has been closed this long: triggers normally finish within seconds of a
 * write. An event later than that is still counted, in the minute it arrives (see shard-writer.ts).
 */
export const FOLD_GRACE_MS = 10_000;
/** Fold runs a failing minute gets before it is set aside with its dead letter. */
export const FOLD_MAX_ATTEMPTS = 3;
/** Traces examined per abandoned-trace page: the job pages through all active traces. */
const ABANDON_PAGE_SIZE = 300;
/** A source document still unaggregated this long after it was written is re-driven by the sweeper. */
export const SWEEP_MIN_AGE_MS = 10 * MINUTE_MS;
/** Source documents of each kind the sweeper examines per run. */
const SWEEP_PAGE_SIZE = 200;

interface FoldDeps {
  store: StatsStore;
  deadLetters: DeadLetters;
}

export interface FoldRun {
  minutes: number;
  traces: number;
  failed: number;
  setAside: number;
}

/**
 * Folds every closed minute, oldest first. A minute that fails is recorded as a dead letter and the
 * next minutes are still folded; after FOLD_MAX_ATTEMPTS runs it is set aside until an admin re-runs it.
 */
export async function foldClosedMinutes(s: FoldDeps, nowMs: number): Promise<FoldRun> {
  const minutes = await s.store.closedUnfoldedMinutes(nowMs - FOLD_GRACE_MS);
  const run: FoldRun = { minutes: 0, traces: 0, failed: 0, setAside: 0 };
  for (const minute of minutes) {
    const subject = bucketKey("minute", minute);
    try {
      const result = await s.store.foldMinute(minute, nowMs);
      run.minutes += 1;
      run.traces += result.traces;
      await s.deadLetters.resolve("fold", subject, nowMs);
    } catch (err) {
      run.failed += 1;
      const reason = failureReason(err);
      const letter = await s.deadLetters.record("fold", subject, reason, nowMs);
      logger.error("aggregate fold failed", { minute: subject, attempts: letter.attempts, reason });
      if (letter.attempts >= FOLD_MAX_ATTEMPTS) {
        const shards = await s.store.setAside(minute, reason, nowMs);
        run.setAside += 1;
        logger.error("aggregate minute set aside", { minute: subject, shards, reason });
      }
    }
  }
  if (run.minutes > 0 || run.failed > 0) logger.info("aggregates folded", { ...run });
  return run;
}

/** Re-runs a set-aside minute (after a fix): folded exactly once, its dead letter resolved. */
export async function refoldMinute(s: FoldDeps, minuteMs: number, nowMs: number) {
  const reopened = await s.store.reopen(minuteMs);
  const result = await s.store.foldMinute(minuteMs, nowMs);
  await s.deadLetters.resolve("fold", bucketKey("minute", minuteMs), nowMs);
  return { reopened, ...result };
}

/** Marks traces active for longer than the configured limit as abandoned; returns how many. */
export async function markAbandonedTraces(
  s: { db: Firestore; abandonAfterMs: () => number; finished: FinishedTraces },
  nowMs: number,
): Promise<number> {
  const cutoff = nowMs - s.abandonAfterMs();
  const active = s.db
    .collection(COLLECTIONS.traces)
    .withConverter(storedTraceConverter)
    .where("status", "==", "active");
  let abandoned = 0;
  let page = await active.limit(ABANDON_PAGE_SIZE).get();
  for (;;) {
    for (const doc of page.docs) {
      if (doc.data().start_time.toMillis() <= cutoff && (await s.finished.abandon(doc.ref, nowMs)))
        abandoned += 1;
    }
    const last = page.docs[page.docs.length - 1];
    if (page.size < ABANDON_PAGE_SIZE || !last) break;
    page = await active.startAfter(last).limit(ABANDON_PAGE_SIZE).get();
  }
  if (abandoned > 0) logger.info("traces abandoned", { abandoned });
  return abandoned;
}

export interface SweepRun {
  redriven: number;
  deadLettered: number;
}

/**
 * Finds source documents a trigger never aggregated (an event lost or given up on) and aggregates them
 * now; one that fails is dead-lettered and marked so that later sweeps pass it by.
 */
export async function sweepUnaggregated(
  s: { db: Firestore; finished: FinishedTraces; deadLetters: DeadLetters },
  nowMs: number,
): Promise<SweepRun> {
  const cutoff = nowMs - SWEEP_MIN_AGE_MS;
  const pending = (collection: string, ...extra: Array<[string, unknown]>) => {
    let q = s.db.collection(collection).where("aggregated", "==", false).where("dead_letter", "==", false);
    for (const [field, value] of extra) q = q.where(field, "==", value);
    return q.limit(SWEEP_PAGE_SIZE).get();
  };
  const [chunks, traces] = await Promise.all([
    pending(COLLECTIONS.traceBatches),
    pending(COLLECTIONS.traces, ["status", "finished"]),
  ]);
  const run: SweepRun = { redriven: 0, deadLettered: 0 };
  const redrive = async (
    ref: DocumentReference,
    written: unknown,
    aggregate: (ref: DocumentReference) => Promise<unknown>,
  ) => {
    if (
      !(written instanceof Object && "toMillis" in written) ||
      (written as { toMillis(): number }).toMillis() > cutoff
    )
      return;
    try {
      if (await aggregate(ref)) run.redriven += 1;
    } catch (err) {
      await deadLetterSource(s, ref, err, nowMs);
      run.deadLettered += 1;
    }
  };
  for (const d of chunks.docs) await redrive(d.ref, d.get("received_at"), s.finished.batchChunk);
  for (const d of traces.docs) await redrive(d.ref, d.get("end_time"), s.finished.stoppedTrace);
  if (run.redriven > 0 || run.deadLettered > 0)
    logger.warn("unaggregated source documents swept", { ...run });
  return run;
}

/** Records a source document that cannot be aggregated and marks it so that sweeps pass it by. */
export async function deadLetterSource(
  s: { deadLetters: DeadLetters },
  ref: DocumentReference,
  err: unknown,
  nowMs: number,
): Promise<void> {
  const reason = failureReason(err);
  await s.deadLetters.record("trigger", ref.path, reason, nowMs);
  logger.error("trace aggregation dead-lettered", { source: ref.path, reason });
  await ref
    .update({ dead_letter: true })
    .catch((e: unknown) =>
      logger.error("could not mark a dead-lettered source", { source: ref.path, reason: failureReason(e) }),
    );
}
