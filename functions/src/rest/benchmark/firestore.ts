/**
 * Firestore benchmark: write + read round trips on one scratch document, which is deleted afterwards
 * (and carries expire_at, so a TTL policy removes it should the instance die first). Round trips are
 * sequential, so the document takes one write at a time: a burst of at most 10 s, well within what a
 * document absorbs, never the sustained load the 1 write/s guidance is about.
 */
import type { Firestore } from "firebase-admin/firestore";
import { expireAt } from "../../stored/expire-at";
import { percentile } from "./percentile";
import { perSecond, runFor } from "./timed-loop";

export const BENCHMARK_SCRATCH_COLLECTION = "perf_benchmark_scratch";
const SCRATCH_TTL_MS = 60 * 60_000;

export async function firestoreBenchmark(
  db: Firestore,
  durationSeconds: number,
  now: () => number,
  scratchId: string,
) {
  const ref = db.collection(BENCHMARK_SCRATCH_COLLECTION).doc(scratchId);
  const expire_at = expireAt(Date.now(), SCRATCH_TTL_MS); // wall time: `now` is monotonic
  const latenciesMs: number[] = [];
  let run;
  try {
    run = await runFor(
      durationSeconds * 1000,
      now,
      async () => {
        const start = now();
        await ref.set({ round_trip: latenciesMs.length, expire_at });
        await ref.get();
        latenciesMs.push(now() - start);
        return 1;
      },
      // Each round trip already waits on the network.
      async () => {},
    );
  } finally {
    await ref.delete();
  }
  const sorted = [...latenciesMs].sort((a, b) => a - b);
  return {
    elapsedMs: run.elapsedMs,
    result: run.units,
    details: {
      round_trips: run.units,
      round_trips_per_second: perSecond(run.units, run.elapsedMs),
      p50_ms: percentile(sorted, 0.5),
      p95_ms: percentile(sorted, 0.95),
    },
  };
}
