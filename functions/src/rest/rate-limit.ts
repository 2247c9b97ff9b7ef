/**
 * Per-user rate limit on the recording endpoints, shared by every instance through Firestore.
 *
 * Cost. The obvious design, one counter document per user per window incremented by every request,
 * costs a Firestore write (and a read, to know the count) per request: it doubles the cost of a
 * recording request, and a user sending 10 requests/s writes one document 10 times a second, far above
 * the ~1 write/s a document sustains. Instead an instance *leases* a block of the user's quota in one
 * transaction on that document (1 read + 1 write) and spends it locally:
 *   - allowed requests cost (1 read + 1 write) / lease; at the default lease of 10, 0.1 read and
 *     0.1 write per request ($0.09 per 100k writes: ~$0.01 per 100k requests), and the counter
 *     document sees one write per 10 requests;
 *   - refused requests cost one read per instance per window (the instance then remembers the window
 *     is spent until it ends), nothing after that;
 *   - the limit is never exceeded across instances (grants are made in transactions); what a lease
 *     leaves unused on an instance that stops, or when its window ends, is not given to another
 *     instance: a user can be refused up to (instances x lease) requests early. Leases shrink as the
 *     quota runs out (at most a quarter of what remains), which keeps that small; API_RATE_LEASE=1
 *     makes the limit exact at one transaction per request.
 * Counter documents (perf_rate_limits/{hash(uid)}-{window}) carry expire_at for a TTL policy.
 */
import { createHash } from "node:crypto";
import { Timestamp, type Firestore } from "firebase-admin/firestore";
import { storedRateLimitConverter } from "../stored/rate-limits";
import { apiErrors } from "./errors";
import { LEASE_SHARE_DIVISOR, windowRetryAfterSeconds as retryAfterSeconds } from "../admission/quota-plan";
import { expireAt } from "../stored/expire-at";

// The same lease share and Retry-After as the trace quotas (admission/quota-plan.ts).
export { LEASE_SHARE_DIVISOR, retryAfterSeconds };

export const RATE_LIMITS_COLLECTION = "perf_rate_limits";
/** Counter documents expire this long after their window (the TTL policy deletes them within a day). */
const EXPIRE_AFTER_WINDOW_MS = 60 * 60_000;

export interface RateLimitPlan {
  /** Requests per user per window; 0 turns the limit off. */
  limit: number;
  windowMs: number;
  /** The most requests one lease reserves. */
  leaseSize: number;
}

/** How many requests a lease grants when `used` of `limit` are already granted in the window. */
export function leaseGrant(used: number, limit: number, leaseSize: number): number {
  const remaining = Math.max(0, limit - used);
  if (remaining === 0) return 0;
  return Math.min(leaseSize, remaining, Math.max(1, Math.floor(remaining / LEASE_SHARE_DIVISOR)));
}

export function windowIndex(nowMs: number, windowMs: number): number {
  return Math.floor(nowMs / windowMs);
}

/** Hashed: uids may hold characters a document id may not, and need not appear in ids. */
export function rateLimitDocId(uid: string, window: number): string {
  return `${createHash("sha256").update(uid).digest("hex").slice(0, 32)}-${window}`;
}

export interface LeaseStore {
  /** Atomically: reads how many requests of the window are granted, grants grantFor(used) more, returns that. */
  lease(uid: string, window: number, grantFor: (used: number) => number): Promise<number>;
}

export function firestoreLeaseStore(db: Firestore, windowMs: number): LeaseStore {
  return {
    lease: (uid, window, grantFor) => {
      const ref = db
        .collection(RATE_LIMITS_COLLECTION)
        .doc(rateLimitDocId(uid, window))
        .withConverter(storedRateLimitConverter);
      return db.runTransaction(async (tx) => {
        const used = (await tx.get(ref)).data()?.count ?? 0;
        const grant = grantFor(used);
        if (grant > 0) {
          tx.set(ref, {
            uid,
            count: used + grant,
            window_start: Timestamp.fromMillis(window * windowMs),
            expire_at: expireAt((window + 1) * windowMs, EXPIRE_AFTER_WINDOW_MS),
          });
        }
        return grant;
      });
    },
  };
}

export interface RateLimiter {
  /** Resolves when the user may make one more recording request, else throws a 429 ApiError. */
  take(uid: string): Promise<void>;
}

export function rateLimiter(
  plan: RateLimitPlan,
  store: LeaseStore,
  now: () => number = Date.now,
): RateLimiter {
  /** This instance's unspent lease per user, for one window. */
  const leases = new Map<string, { window: number; remaining: number; spent: boolean }>();
  /** One lease transaction per user at a time; concurrent requests wait for it. */
  const pending = new Map<string, Promise<void>>();
  let prunedWindow = -1;

  function prune(window: number) {
    if (window <= prunedWindow) return;
    prunedWindow = window;
    for (const [uid, lease] of leases) if (lease.window < window) leases.delete(uid);
  }

  return {
    async take(uid) {
      if (plan.limit === 0) return;
      for (;;) {
        const nowMs = now();
        const window = windowIndex(nowMs, plan.windowMs);
        prune(window);
        const lease = leases.get(uid);
        if (lease?.window === window) {
          if (lease.remaining > 0) {
            lease.remaining -= 1;
            return;
          }
          if (lease.spent) throw apiErrors.rateLimited(retryAfterSeconds(nowMs, plan.windowMs));
        }
        const inFlight = pending.get(uid);
        if (inFlight) {
          await inFlight;
          continue;
        }
        const leasing = store
          .lease(uid, window, (used) => leaseGrant(used, plan.limit, plan.leaseSize))
          .then((granted) => {
            leases.set(uid, { window, remaining: granted, spent: granted === 0 });
          })
          .finally(() => pending.delete(uid));
        pending.set(uid, leasing);
        await leasing;
      }
    },
  };
}
