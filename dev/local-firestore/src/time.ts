// Firestore times have microsecond precision; we keep them as integer microseconds since the epoch
// (safe in a double until the year 2255) and convert at the proto boundary.
import type { Timestamp } from "./proto";

export type Micros = number;

export function toTimestamp(micros: Micros): Timestamp {
  const seconds = Math.floor(micros / 1e6);
  return { seconds: String(seconds), nanos: (micros - seconds * 1e6) * 1000 };
}

export function fromTimestamp(ts: Timestamp | undefined): Micros {
  if (!ts) return 0;
  return Number(ts.seconds ?? 0) * 1e6 + Math.floor((ts.nanos ?? 0) / 1000);
}

/** Hands out strictly increasing times so every commit is ordered after the previous one. */
export class Clock {
  private last: Micros = 0;

  next(): Micros {
    this.last = Math.max(Date.now() * 1000, this.last + 1);
    return this.last;
  }

  /** A read time: the latest commit time or now, never going back. */
  now(): Micros {
    return Math.max(Date.now() * 1000, this.last);
  }
}
