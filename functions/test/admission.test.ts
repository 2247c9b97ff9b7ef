/**
 * Admission control: quotas per principal (minute and day, anonymous apart) and per project, leased
 * from Firestore counters in transactions and spent in memory; refusals counted; who may record. The
 * quota store is the real one, against a real Firestore.
 */
import assert from "node:assert/strict";
import { QuotaExceededError } from "@aideon-perf/core";
import { adminDb, clearFirestore, ensureFirestore } from "../../test/support/firestore";
import { admission, REFUSAL_FLUSH_MS } from "../src/admission/admission";
import { principalOf, TRUSTED_CLAIM, type Principal } from "../src/admission/principal";
import {
  quotaPlanFromEnv,
  retryAfterSeconds,
  windowGrant,
  QUOTA_DEFAULTS,
  type QuotaPlan,
} from "../src/admission/quota-plan";
import { firestoreQuotaStore } from "../src/admission/quota-store";
import { parseRecordingAccess, recordingRefusal } from "../src/admission/recording-access";
import { COLLECTIONS } from "../src/firestore";
import * as fns from "../src/index";
import { call, rejection, recordedTrace, withoutBackgroundTriggers } from "./helpers";

const T0 = Date.parse("2026-12-02T10:00:05Z");
const user = (id: string): Principal => ({ id, kind: "user", trusted: false });
const anonymous = (id: string): Principal => ({ id, kind: "anonymous", trusted: false });

const plan = (
  over: Partial<{
    perMinute: number;
    perDay: number;
    anonPerMinute: number;
    project: number;
    lease: number;
  }> = {},
): QuotaPlan => ({
  principal: {
    user: { perMinute: over.perMinute ?? 100, perDay: over.perDay ?? 1_000 },
    anonymous: { perMinute: over.anonPerMinute ?? 20, perDay: 1_000 },
    ingest_key: { perMinute: over.perMinute ?? 100, perDay: over.perDay ?? 1_000 },
  },
  projectPerMinute: over.project ?? 10_000,
  leaseSize: over.lease ?? 10,
});

async function refusal(p: Promise<unknown>): Promise<QuotaExceededError> {
  const err = await p.then(
    () => assert.fail("expected a refusal"),
    (e: unknown) => e,
  );
  assert.ok(err instanceof QuotaExceededError, String(err));
  return err;
}

const quotaDocs = async () =>
  (await adminDb().collection(COLLECTIONS.quotas).get()).docs.map(
    (d) => ({ id: d.id, ...d.data() }) as Record<string, unknown> & { id: string },
  );

describe("admission control", function () {
  this.timeout(60_000);

  describe("pure rules", () => {
    it("grants at least the call's need or nothing, at most a lease or a quarter of what remains", () => {
      assert.equal(windowGrant(0, 100, 5, 10), 10);
      assert.equal(windowGrant(90, 100, 5, 10), 5, "a quarter of the 10 left is 2, but the call needs 5");
      assert.equal(windowGrant(96, 100, 5, 10), 0, "4 left: the call is refused whole, never half-recorded");
      assert.equal(windowGrant(95, 100, 5, 10), 5, "exactly enough at the edge");
      assert.equal(windowGrant(0, 100, 500, 10), 0, "a call larger than the whole quota");
      assert.equal(windowGrant(1e9, 0, 5, 10), 10, "0 is no limit");
    });

    it("reads the plan from the environment with documented defaults, naming a bad variable", () => {
      const defaults = quotaPlanFromEnv({});
      assert.deepEqual(defaults.principal.anonymous, {
        perMinute: QUOTA_DEFAULTS.QUOTA_ANONYMOUS_TRACES_PER_MINUTE,
        perDay: QUOTA_DEFAULTS.QUOTA_ANONYMOUS_TRACES_PER_DAY,
      });
      assert.equal(quotaPlanFromEnv({ QUOTA_TRACES_PER_MINUTE: "0" }).principal.user.perMinute, 0);
      assert.throws(() => quotaPlanFromEnv({ QUOTA_LEASE_TRACES: "0" }), /QUOTA_LEASE_TRACES/);
      assert.throws(() => quotaPlanFromEnv({ QUOTA_TRACES_PER_DAY: "lots" }), /QUOTA_TRACES_PER_DAY/);
    });

    it("says when to retry: the rest of the minute or of the UTC day", () => {
      assert.equal(retryAfterSeconds("principal_minute", T0), 55);
      assert.equal(retryAfterSeconds("project_minute", T0 + 54_500), 1);
      assert.equal(retryAfterSeconds("principal_day", T0), 14 * 3600 - 5);
    });

    it("knows anonymous from signed-in principals and the trusted claim", () => {
      assert.deepEqual(principalOf("u1", { firebase: { sign_in_provider: "anonymous" } }), {
        id: "u1",
        kind: "anonymous",
        trusted: false,
      });
      assert.deepEqual(
        principalOf("u2", { firebase: { sign_in_provider: "password" }, [TRUSTED_CLAIM]: true }),
        { id: "u2", kind: "user", trusted: true },
      );
    });

    it("applies RECORDING_ACCESS: signed-in, non-anonymous, claim:<name>", () => {
      const anon = principalOf("a", { firebase: { sign_in_provider: "anonymous" } });
      const member = principalOf("m", { firebase: { sign_in_provider: "google.com" }, recorder: true });
      assert.equal(recordingRefusal(parseRecordingAccess(undefined), anon, {}), null);
      assert.match(recordingRefusal(parseRecordingAccess("non-anonymous"), anon, {})!, /non-anonymous/);
      assert.equal(recordingRefusal(parseRecordingAccess("non-anonymous"), member, {}), null);
      assert.match(recordingRefusal(parseRecordingAccess("claim:recorder"), anon, {})!, /recorder: true/);
      assert.equal(
        recordingRefusal(parseRecordingAccess("claim:recorder"), member, { recorder: true }),
        null,
      );
      assert.throws(() => parseRecordingAccess("everyone"), /RECORDING_ACCESS/);
    });
  });

  describe("with the Firestore quota store", () => {
    before(ensureFirestore);
    beforeEach(clearFirestore);
    let clock = T0;
    const now = () => clock;
    beforeEach(() => (clock = T0));

    it("holds a principal to its minute quota, refusing with resource-exhausted, the quota and Retry-After", async () => {
      const p = plan({ perMinute: 100, lease: 10 });
      const a = admission(p, firestoreQuotaStore(adminDb(), p), now);
      for (let i = 0; i < 20; i += 1) await a.admit(user("alice"), 5);
      const err = await refusal(a.admit(user("alice"), 5));
      assert.equal(err.code, "resource-exhausted");
      assert.deepEqual(err.details, { quota: "principal_minute", retry_after_seconds: 55 });
      await a.admit(user("bob"), 5); // another principal is unaffected
      clock += 60_000;
      await a.admit(user("alice"), 5); // a new minute
    });

    it("never lets instances together exceed a quota, and leases cost about 3 writes per lease, not per call", async () => {
      const p = plan({ perMinute: 200, lease: 20 });
      const instances = [0, 1, 2].map(() => admission(p, firestoreQuotaStore(adminDb(), p), now));
      let accepted = 0;
      let refused = 0;
      await Promise.all(
        instances.map(async (a) => {
          for (let i = 0; i < 40; i += 1) {
            await a.admit(user("carol"), 2).then(
              () => (accepted += 2),
              () => (refused += 1),
            );
          }
        }),
      );
      assert.ok(accepted <= 200, `${accepted} accepted`);
      assert.ok(accepted >= 200 - 3 * 20, `${accepted} accepted: at most a lease per instance left unused`);
      assert.ok(refused > 0);
      const docs = await quotaDocs();
      const minuteDoc = docs.find((d) => d.kind === "principal_minute")!;
      assert.ok((minuteDoc.used as number) <= 200);
      assert.ok(
        (minuteDoc.leases as number) <= Math.ceil(accepted / 2 / 3) + 3,
        `${minuteDoc.leases} leases for ${accepted / 2} calls`,
      );
    });

    it("gives anonymous principals their own smaller quota", async () => {
      const p = plan({ perMinute: 100, anonPerMinute: 20, lease: 10 });
      const a = admission(p, firestoreQuotaStore(adminDb(), p), now);
      for (let i = 0; i < 4; i += 1) await a.admit(anonymous("anon-1"), 5);
      assert.equal((await refusal(a.admit(anonymous("anon-1"), 5))).code, "resource-exhausted");
      for (let i = 0; i < 10; i += 1) await a.admit(user("dave"), 5);
    });

    it("holds all principals together to the project budget", async () => {
      const p = plan({ perMinute: 1_000, project: 100, lease: 10 });
      const a = admission(p, firestoreQuotaStore(adminDb(), p), now);
      let accepted = 0;
      for (let i = 0; i < 30; i += 1) {
        await a.admit(user(`user-${i}`), 5).then(
          () => (accepted += 5),
          (e: QuotaExceededError) => assert.equal((e.details as { quota: string }).quota, "project_minute"),
        );
      }
      assert.ok(accepted <= 100 && accepted >= 50, `${accepted} accepted of a 100 budget`);
    });

    it("counts refusals where admins see them, written once and then at most every 10 s, not per call", async () => {
      const p = plan({ perMinute: 10, lease: 10 });
      const a = admission(p, firestoreQuotaStore(adminDb(), p), now);
      await a.admit(user("erin"), 10);
      for (let i = 0; i < 50; i += 1) await refusal(a.admit(user("erin"), 1));
      let day = (await quotaDocs()).find((d) => d.kind === "principal_day")!;
      assert.equal(day.refused, 1, "the first refusal is written at once, the next 49 wait for the flush");
      clock += REFUSAL_FLUSH_MS;
      await refusal(a.admit(user("erin"), 1));
      day = (await quotaDocs()).find((d) => d.kind === "principal_day")!;
      assert.equal(day.refused, 51);
      assert.equal((await quotaDocs()).find((d) => d.kind === "project_day")!.refused, 51);
      const usage = await firestoreQuotaStore(adminDb(), p).usage(clock, 10);
      assert.deepEqual(usage, {
        day: "2026-12-02",
        refused: 51,
        principals: [{ principal: "erin", principal_kind: "user", used: 10, refused: 51 }],
      });
    });
  });

  describe("through the callables", () => {
    withoutBackgroundTriggers();
    before(ensureFirestore);
    beforeEach(clearFirestore);

    it("refuses an anonymous user past its minute quota with resource-exhausted, writing nothing for the refused call", async () => {
      const caller = { uid: `anon-${Date.now()}`, claims: { firebase: { sign_in_provider: "anonymous" } } };
      const batch = (id: string) => ({
        batch_id: id,
        traces: Array.from({ length: 500 }, (_, i) => recordedTrace(i)),
      });
      await call(fns.recordTraces, batch("q1"), caller);
      await call(fns.recordTraces, batch("q2"), caller);
      const err = await rejection(call(fns.recordTraces, batch("q3"), caller));
      assert.equal(err.code, "resource-exhausted");
      const stored = await adminDb()
        .collection(COLLECTIONS.traceBatches)
        .where("owner_uid", "==", caller.uid)
        .get();
      assert.deepEqual(stored.docs.map((d) => d.get("batch_id")).sort(), ["q1", "q2"]);
      const usage = await call<{ principals: Array<{ principal: string; refused: number }> }>(
        fns.getQuotaUsage,
        {},
        { uid: "admin-uid", claims: { admin: true } },
      );
      assert.deepEqual(
        usage.principals.map((u) => [u.principal, u.refused]),
        [[caller.uid, 1]],
        "visible to admins",
      );
    });
  });
});
