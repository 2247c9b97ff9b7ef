/**
 * The quotas' Firestore side: one transaction per lease over the principal's minute and day counters
 * and the project's minute shards (1 + 1 + PROJECT_QUOTA_SHARDS reads, 3 writes), and refusal counts
 * added with increments. Nothing here runs per call: admission.ts spends leases in memory.
 */
import { FieldValue, Timestamp, type Firestore } from "firebase-admin/firestore";
import { DAY_MS, HOUR_MS, MINUTE_MS } from "@aideon-perf/core";
import { COLLECTIONS } from "../firestore";
import { storedQuotaConverter, type StoredQuota } from "../stored/quotas";
import { principalKey, type Principal, type PrincipalKind } from "./principal";
import {
  dayIndex,
  minuteIndex,
  PROJECT_QUOTA_SHARDS,
  windowGrant,
  type QuotaPlan,
  type QuotaScope,
} from "./quota-plan";
import { expireAt } from "../stored/expire-at";

/** Counters outlive their window by this much (for admins to look back on), then expire by TTL. */
const KEEP_MINUTE_MS = 60 * MINUTE_MS;
const KEEP_DAY_MS = 8 * DAY_MS;

export interface LeaseResult {
  granted: number;
  /** When nothing was granted: the quota that refused. */
  refusedBy?: QuotaScope;
}

/** A principal's recording today, for admins. */
export interface PrincipalUsage {
  principal: string;
  principal_kind: PrincipalKind;
  used: number;
  refused: number;
}

export interface QuotaStore {
  lease(principal: Principal, need: number, nowMs: number): Promise<LeaseResult>;
  addRefusals(principal: Principal, refused: number, nowMs: number): Promise<void>;
  /** Today's principals that were refused, most refused first, at most `limit`; and the project's refusals. */
  usage(
    nowMs: number,
    limit: number,
  ): Promise<{ day: string; refused: number; principals: PrincipalUsage[] }>;
  /** Reserves up to `traces` health slots (and `slow` of them for slow traces) of the principal's hour. */
  leaseHealth(
    principal: Principal,
    want: { traces: number; slow: number },
    caps: { tracesPerHour: number; slowPerHour: number },
    nowMs: number,
  ): Promise<{ traces: number; slow: number }>;
}

/** Health slots one lease reserves at most: the hour's cap is shared by few instances in practice. */
export const HEALTH_LEASE_TRACES = 50;

const isoDay = (day: number) => new Date(day * DAY_MS).toISOString().slice(0, 10);

export function firestoreQuotaStore(db: Firestore, plan: QuotaPlan): QuotaStore {
  const quotas = db.collection(COLLECTIONS.quotas).withConverter(storedQuotaConverter);
  const refs = (principal: Principal, nowMs: number) => {
    const key = principalKey(principal);
    const [minute, day] = [minuteIndex(nowMs), dayIndex(nowMs)];
    return {
      minute,
      day,
      principalMinute: quotas.doc(`pm_${key}_${minute}`),
      principalDay: quotas.doc(`pd_${key}_${day}`),
      projectShards: Array.from({ length: PROJECT_QUOTA_SHARDS }, (_, s) => quotas.doc(`qm_${minute}_s${s}`)),
      projectDay: quotas.doc(`qd_${day}`),
    };
  };
  const used = (doc: StoredQuota | undefined) => (doc && "used" in doc ? doc.used : 0);
  const leases = (doc: StoredQuota | undefined) => (doc && "leases" in doc ? doc.leases : 0);
  const perShard = Math.ceil(plan.projectPerMinute / PROJECT_QUOTA_SHARDS);

  return {
    async lease(principal, need, nowMs) {
      const r = refs(principal, nowMs);
      return db.runTransaction(async (tx) => {
        const [pm, pd, ...shards] = (
          await tx.getAll(r.principalMinute, r.principalDay, ...r.projectShards)
        ).map((s) => s.data());
        // The project shard with the most room, so the budget is refused only when it is nearly spent.
        const shard = shards
          .map((doc, i) => ({ i, doc, used: used(doc) }))
          .sort((a, b) => a.used - b.used)[0]!;
        const grants: Array<[QuotaScope, number]> = [
          [
            "principal_minute",
            windowGrant(used(pm), plan.principal[principal.kind].perMinute, need, plan.leaseSize),
          ],
          [
            "principal_day",
            windowGrant(used(pd), plan.principal[principal.kind].perDay, need, plan.leaseSize),
          ],
          [
            "project_minute",
            windowGrant(shard.used, plan.projectPerMinute === 0 ? 0 : perShard, need, plan.leaseSize),
          ],
        ];
        const [scope, granted] = grants.reduce((least, g) => (g[1] < least[1] ? g : least));
        if (granted < need) return { granted: 0, refusedBy: scope };
        const who = { principal: principal.id, principal_kind: principal.kind };
        const windowStart = Timestamp.fromMillis(r.minute * MINUTE_MS);
        tx.set(r.principalMinute, {
          kind: "principal_minute",
          ...who,
          window_start: windowStart,
          used: used(pm) + granted,
          leases: leases(pm) + 1,
          expire_at: expireAt((r.minute + 1) * MINUTE_MS, KEEP_MINUTE_MS),
        });
        tx.set(r.principalDay, {
          kind: "principal_day",
          ...who,
          day: isoDay(r.day),
          used: used(pd) + granted,
          leases: leases(pd) + 1,
          refused: pd?.kind === "principal_day" ? pd.refused : 0,
          refusal_writes: pd?.kind === "principal_day" ? (pd.refusal_writes ?? 0) : 0,
          expire_at: expireAt((r.day + 1) * DAY_MS, KEEP_DAY_MS),
        });
        tx.set(r.projectShards[shard.i]!, {
          kind: "project_minute",
          window_start: windowStart,
          shard: shard.i,
          used: shard.used + granted,
          leases: leases(shard.doc) + 1,
          expire_at: expireAt((r.minute + 1) * MINUTE_MS, KEEP_MINUTE_MS),
        });
        return { granted };
      });
    },

    async usage(nowMs, limit) {
      const day = isoDay(dayIndex(nowMs));
      const [project, refused] = await Promise.all([
        quotas.doc(`qd_${dayIndex(nowMs)}`).get(),
        quotas
          .where("kind", "==", "principal_day")
          .where("day", "==", day)
          .where("refused", ">", 0)
          .orderBy("refused", "desc")
          .limit(limit)
          .get(),
      ]);
      const total = project.data();
      return {
        day,
        refused: total?.kind === "project_day" ? total.refused : 0,
        principals: refused.docs.flatMap((d) => {
          const q = d.data();
          return q.kind === "principal_day"
            ? [{ principal: q.principal, principal_kind: q.principal_kind, used: q.used, refused: q.refused }]
            : [];
        }),
      };
    },

    async leaseHealth(principal, want, caps, nowMs) {
      const hour = Math.floor(nowMs / HOUR_MS);
      const ref = quotas.doc(`ph_${principalKey(principal)}_${hour}`);
      return db.runTransaction(async (tx) => {
        const doc = (await tx.get(ref)).data();
        const [usedTraces, usedSlow] =
          doc?.kind === "principal_health_hour" ? [doc.traces, doc.slow] : [0, 0];
        const traces = Math.min(
          Math.max(0, caps.tracesPerHour - usedTraces),
          Math.max(want.traces, HEALTH_LEASE_TRACES),
        );
        const slow = Math.min(Math.max(0, caps.slowPerHour - usedSlow), want.slow, traces);
        if (traces === 0) return { traces: 0, slow: 0 };
        tx.set(ref, {
          kind: "principal_health_hour",
          principal: principal.id,
          principal_kind: principal.kind,
          window_start: Timestamp.fromMillis(hour * HOUR_MS),
          traces: usedTraces + traces,
          slow: usedSlow + slow,
          expire_at: expireAt((hour + 1) * HOUR_MS, KEEP_DAY_MS),
        });
        return { traces, slow };
      });
    },

    async addRefusals(principal, refused, nowMs) {
      const r = refs(principal, nowMs);
      const expire_at = expireAt((r.day + 1) * DAY_MS, KEEP_DAY_MS);
      const writeBatch = db.batch();
      // set with merge and increments: the day documents may not exist yet (refused before any lease).
      writeBatch.set(
        r.principalDay.withConverter(null),
        {
          kind: "principal_day",
          principal: principal.id,
          principal_kind: principal.kind,
          day: isoDay(r.day),
          used: FieldValue.increment(0),
          leases: FieldValue.increment(0),
          refused: FieldValue.increment(refused),
          refusal_writes: FieldValue.increment(1),
          expire_at,
        },
        { merge: true },
      );
      writeBatch.set(
        r.projectDay.withConverter(null),
        { kind: "project_day", day: isoDay(r.day), refused: FieldValue.increment(refused), expire_at },
        { merge: true },
      );
      await writeBatch.commit();
    },
  };
}
