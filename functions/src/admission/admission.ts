/**
 * Admission control shared by every recording path (callables, REST, later ingest keys). Each call
 * takes its units (traces) from an in-memory lease of the principal's quotas; only when the lease runs
 * out does one Firestore transaction reserve more (quota-store.ts). So an accepted call costs no extra
 * document write of its own: about 3 writes per QUOTA_LEASE_TRACES units. A refused call costs nothing
 * once the instance knows the window is spent; its refusal is counted, and the counts are written at
 * most every REFUSAL_FLUSH_MS per principal and instance (and at once for the first).
 *
 * Precision: the quotas are never exceeded across instances (grants are transactional); what a lease
 * leaves unused on an instance is not given to another, so a principal may be refused up to
 * (instances x lease) units early; when a lease's window ends its remainder is dropped.
 */
import { HOUR_MS, QuotaExceededError } from "@aideon-perf/core";
import { healthCapsFromEnv, healthStanding, type HealthCaps } from "./health-sources";
import { principalKey, type Principal } from "./principal";
import { minuteIndex, retryAfterSeconds, type QuotaPlan, type QuotaScope } from "./quota-plan";
import type { QuotaStore } from "./quota-store";

export const REFUSAL_FLUSH_MS = 10_000;

const QUOTA_MESSAGES: Record<QuotaScope, string> = {
  principal_minute: "This user's recording quota for the minute is used up",
  principal_day: "This user's recording quota for the day is used up",
  project_minute: "The project's recording budget for the minute is used up",
};

/** resource-exhausted (HTTP 429), saying which quota and when to retry (REST adds Retry-After from it). */
export const quotaExceeded = (scope: QuotaScope, retryAfter: number) =>
  new QuotaExceededError(`${QUOTA_MESSAGES[scope]}; retry in ${retryAfter} s.`, retryAfter, { quota: scope });

interface LocalLease {
  minute: number;
  remaining: number;
  refused?: { scope: QuotaScope; untilMs: number };
  unflushed: number;
  flushedAtMs: number;
}

export interface Admission {
  /** Resolves when `principal` may record `units` more; throws resource-exhausted otherwise. */
  admit(principal: Principal, units: number): Promise<void>;
  /** For each trace (true: slow), whether it counts for health: its principal's standing and hourly caps. */
  healthFlags(principal: Principal, slow: readonly boolean[]): Promise<boolean[]>;
}

interface HealthAllowance {
  hour: number;
  traces: number;
  slow: number;
  /** The hour's cap is spent in Firestore: no more leases this hour. */
  spent: boolean;
}

export function admission(
  plan: QuotaPlan,
  store: QuotaStore,
  now: () => number = Date.now,
  caps: HealthCaps = healthCapsFromEnv({}),
): Admission {
  const allowances = new Map<string, HealthAllowance>();
  const limits = [
    plan.projectPerMinute,
    ...Object.values(plan.principal).flatMap((q) => [q.perMinute, q.perDay]),
  ];
  const off = limits.every((limit) => limit === 0);
  const leases = new Map<string, LocalLease>();
  /** One lease transaction per principal at a time; concurrent calls wait for it. */
  const pending = new Map<string, Promise<void>>();

  async function refuse(
    principal: Principal,
    lease: LocalLease,
    scope: QuotaScope,
    nowMs: number,
  ): Promise<never> {
    lease.unflushed += 1;
    if (lease.flushedAtMs === 0 || nowMs - lease.flushedAtMs >= REFUSAL_FLUSH_MS) {
      const refused = lease.unflushed;
      lease.unflushed = 0;
      lease.flushedAtMs = nowMs;
      await store.addRefusals(principal, refused, nowMs);
    }
    throw quotaExceeded(scope, retryAfterSeconds(scope, nowMs));
  }

  return {
    async healthFlags(principal, slow) {
      const standing = healthStanding(caps, principal);
      if (standing !== "capped") return slow.map(() => standing === "uncapped");
      const key = principalKey(principal);
      const hour = Math.floor(now() / HOUR_MS);
      let allowance = allowances.get(key);
      if (allowance?.hour !== hour) {
        allowance = { hour, traces: 0, slow: 0, spent: false };
        if (allowances.size > 10_000) allowances.clear();
        allowances.set(key, allowance);
      }
      const wantSlow = slow.filter(Boolean).length;
      if (!allowance.spent && (allowance.traces < slow.length || allowance.slow < wantSlow)) {
        const got = await store.leaseHealth(
          principal,
          { traces: slow.length - allowance.traces, slow: wantSlow - allowance.slow },
          caps,
          now(),
        );
        allowance.traces += got.traces;
        allowance.slow += got.slow;
        if (got.traces === 0) allowance.spent = true;
      }
      const a = allowance;
      return slow.map((isSlow) => {
        if (a.traces === 0 || (isSlow && a.slow === 0)) return false;
        a.traces -= 1;
        if (isSlow) a.slow -= 1;
        return true;
      });
    },

    async admit(principal, units) {
      if (off) return;
      const key = principalKey(principal);
      for (;;) {
        const nowMs = now();
        const minute = minuteIndex(nowMs);
        let lease = leases.get(key);
        if (!lease || lease.minute !== minute) {
          // A new minute: the old lease's remainder is dropped, its unflushed refusals kept.
          lease = {
            minute,
            remaining: 0,
            unflushed: lease?.unflushed ?? 0,
            flushedAtMs: lease?.flushedAtMs ?? 0,
          };
          if (leases.size > 10_000) leases.clear(); // a bound on instance memory; leases are cheap to redo
          leases.set(key, lease);
        }
        if (lease.refused && nowMs < lease.refused.untilMs)
          return refuse(principal, lease, lease.refused.scope, nowMs);
        if (lease.remaining >= units) {
          lease.remaining -= units;
          return;
        }
        const inFlight = pending.get(key);
        if (inFlight) {
          await inFlight;
          continue;
        }
        const current = lease;
        let refusedBy: QuotaScope | undefined;
        // What the lease must add to what is left of the last one.
        const leasing = store
          .lease(principal, units - current.remaining, nowMs)
          .then((r) => {
            if (r.granted > 0) current.remaining += r.granted;
            else refusedBy = r.refusedBy;
          })
          .finally(() => pending.delete(key));
        pending.set(key, leasing);
        await leasing;
        if (refusedBy) {
          current.refused = { scope: refusedBy, untilMs: nowMs + retryAfterSeconds(refusedBy, nowMs) * 1000 };
          return refuse(principal, current, refusedBy, nowMs);
        }
      }
    },
  };
}
