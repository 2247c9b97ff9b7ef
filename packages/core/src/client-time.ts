/**
 * Server time rules. A client's clock decides nothing the server keeps: a time a client reports (a
 * recorded trace's start_time, an agent sample's timestamp) is clamped into a window around the
 * server's receive time before it is stored or picks a bucket, and every expire_at is computed from
 * server time. Out-of-window times are clamped, not rejected, for traces and host samples alike: the
 * measurement (a duration, a CPU reading) is still good, and a rejected batch would be retried forever
 * by a client whose clock stays wrong. The caller stores how far a time was moved beside it, so an
 * admin sees a client with a broken clock.
 */
import { DAY_MS, MINUTE_MS } from "./time-buckets";

/** How far ahead of the server a client time may lie: synced clocks differ by milliseconds, not minutes. */
export const CLIENT_TIME_MAX_FUTURE_MS = 5 * MINUTE_MS;
/**
 * How far behind the server a client time may lie: the longest finite window the reads answer ("7d"),
 * within which a buffered backlog (an agent cut off for days) still lands where it is charted.
 */
export const CLIENT_TIME_MAX_PAST_MS = 7 * DAY_MS;

export interface ClampedClientTime {
  /** The time to store and bucket by, inside [receive - MAX_PAST, receive + MAX_FUTURE]. */
  ms: number;
  /** client - ms: positive when the client's time lay in the future, negative in the past, 0 if kept. */
  clampedByMs: number;
}

export function clampClientTime(clientMs: number, serverReceiveMs: number): ClampedClientTime {
  const ms = Math.min(
    Math.max(clientMs, serverReceiveMs - CLIENT_TIME_MAX_PAST_MS),
    serverReceiveMs + CLIENT_TIME_MAX_FUTURE_MS,
  );
  return { ms, clampedByMs: clientMs - ms };
}
