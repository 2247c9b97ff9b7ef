/** The scheduled jobs' work, apart from their schedule wiring so that tests can run them directly. */
import { logger } from "firebase-functions";
import { COLLECTIONS } from "../firestore";
import { storedTraceConverter } from "../stored/traces";
import type { services } from "../services";

type Services = ReturnType<typeof services>;

/**
 * A minute is folded once it has been closed this long: triggers normally finish within seconds of a
 * write. Late events for a folded minute still count (they go straight into the rollups, a few more
 * document writes); the grace only makes that path rare.
 */
export const FOLD_GRACE_MS = 10_000;
/** Traces examined per abandoned-trace page: the job pages through all active traces. */
const ABANDON_PAGE_SIZE = 300;

export async function foldClosedMinutes(s: Services, nowMs: number): Promise<{ minutes: number; traces: number }> {
  const minutes = await s.store.closedUnfoldedMinutes(nowMs - FOLD_GRACE_MS);
  let traces = 0;
  for (const minute of minutes) traces += (await s.store.foldMinute(minute)).traces;
  if (minutes.length > 0) logger.info("aggregates folded", { minutes: minutes.length, traces });
  return { minutes: minutes.length, traces };
}

/** Marks traces active for longer than the configured limit as abandoned; returns how many. */
export async function markAbandonedTraces(s: Services, nowMs: number): Promise<number> {
  const cutoff = nowMs - s.abandonAfterMs();
  const active = s.db.collection(COLLECTIONS.traces).withConverter(storedTraceConverter).where("status", "==", "active");
  let abandoned = 0;
  let page = await active.limit(ABANDON_PAGE_SIZE).get();
  for (;;) {
    for (const doc of page.docs) {
      if (doc.data().start_time.toMillis() <= cutoff && (await s.finished.abandon(doc.ref, nowMs))) abandoned += 1;
    }
    const last = page.docs[page.docs.length - 1];
    if (page.size < ABANDON_PAGE_SIZE || !last) break;
    page = await active.startAfter(last).limit(ABANDON_PAGE_SIZE).get();
  }
  if (abandoned > 0) logger.info("traces abandoned", { abandoned });
  return abandoned;
}
