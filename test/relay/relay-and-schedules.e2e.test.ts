/**
 * End to end against a fixture functions codebase (test/relay/fixture) in its own Functions emulator:
 * our local Firestore and the trigger relay in this process deliver document changes to its v2
 * Firestore triggers, and the schedule ticker runs its scheduled function. Each fixture function
 * records what it received into relay_log, which this test reads off the Firestore change feed.
 */
import assert from "node:assert/strict";
import type { DocumentChange, LocalFirestore } from "@aideon-perf/local-firestore";
import { startLocalFirestore } from "@aideon-perf/local-firestore";
import type { Firestore } from "firebase-admin/firestore";
import { setTimeout as sleep } from "node:timers/promises";
import { eventId } from "../../dev/stack/relay/cloud-event";
import { startTriggerRelay, type TriggerRelay } from "../../dev/stack/relay/trigger-relay";
import { startScheduleTicker, type ScheduleTicker } from "../../dev/stack/schedules/schedule-ticker";
import type { Clock } from "../../dev/stack/schedules/ticker";
import { startFaultProxy, type FaultProxy } from "./support/fault-proxy";
import { FIXTURE_PROJECT, startFixtureEmulator, type FixtureEmulator } from "./support/fixture-emulator";
import { firestoreAt } from "./support/local-firestore-client";
import { recordEvents, type Plain, type Recorder } from "./support/recorded-events";

const TYPE = "google.cloud.firestore.document.v1.";
const fullName = (path: string) => `projects/${FIXTURE_PROJECT}/databases/(default)/documents/${path}`;

describe("relay and schedules end to end (fixture functions in their own Functions emulator)", function () {
  this.timeout(60_000);
  let firestore: LocalFirestore;
  let emulator: FixtureEmulator | undefined;
  let proxy: FaultProxy;
  let relay: TriggerRelay;
  let db: Firestore;
  let recorder: Recorder;
  const relayLog: string[] = [];

  /** The fixture's records for one function and document, in the order they were written. */
  const recordsOf = (fn: string, document?: string) =>
    recorder.records.filter((r) => r.fn === fn && (document === undefined || r.document === document));
  /** The last change the test made to a document (its commit time makes the expected event id). */
  const lastChange = (path: string): DocumentChange =>
    [...recorder.changes].reverse().find((c) => c.name === fullName(path))!;
  /** Every relay_log record about one document. */
  const recordsFor = (document: string) =>
    recorder.records
      .filter((r) => r.document === document)
      .map((r) => r.fn)
      .sort();

  before(async function () {
    this.timeout(120_000);
    firestore = await startLocalFirestore({ host: "127.0.0.1", port: 0 });
    recorder = recordEvents(firestore);
    emulator = await startFixtureEmulator(firestore.address);
    proxy = await startFaultProxy(emulator.origin);
    relay = startTriggerRelay({
      firestore,
      functionsOrigin: proxy.origin,
      projectId: FIXTURE_PROJECT,
      // long-lived definitions, so stale keys are met (and must be recovered from) deterministically
      definitionsMaxAgeMs: 600_000,
      backoff: { initialDelayMs: 50, maxDelayMs: 400 },
      maxAttempts: 40,
      log: (line) => relayLog.push(line),
    });
    db = firestoreAt(firestore.address, FIXTURE_PROJECT);
  });

  after(async function () {
    this.timeout(60_000);
    await relay?.close();
    await db?.terminate();
    await proxy?.close();
    await emulator?.stop();
    recorder?.stop();
    await firestore?.close();
  });

  afterEach(function () {
    if (this.currentTest?.state === "failed") {
      console.log(`relay log:\n${relayLog.join("\n")}\nrelay stats: ${JSON.stringify(relay.stats())}`);
      console.log(`emulator output (tail):\n${emulator?.output().slice(-4000)}`);
    }
  });

  describe("trigger relay", () => {
    it("a create reaches exactly the created and written triggers, with params, data and event attributes", async () => {
      await db.doc("items/i1").set({ n: 1, label: "one" });
      await relay.settled();
      assert.deepEqual(recordsFor("items/i1"), ["itemCreated", "itemWritten"]);
      const change = lastChange("items/i1");
      const [created] = recordsOf("itemCreated", "items/i1");
      assert.deepEqual(created, {
        fn: "itemCreated",
        id: eventId(change.name, change.commitTime, `${TYPE}created`),
        type: `${TYPE}created`,
        source: `//firestore.googleapis.com/projects/${FIXTURE_PROJECT}/databases/(default)`,
        subject: "documents/items/i1",
        document: "items/i1",
        database: "(default)",
        namespace: "(default)",
        project: FIXTURE_PROJECT,
        location: "us-central1",
        time: created!.time,
        params: { itemId: "i1" },
        after: { n: 1, label: "one" },
        ref: "items/i1",
      });
      assert.match(String(created!.time), /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/);
      const [written] = recordsOf("itemWritten", "items/i1");
      assert.equal(written!.type, `${TYPE}written`);
      assert.deepEqual([written!.before, written!.after], [null, { n: 1, label: "one" }]);
    });

    it("an update reaches the written trigger with before and after; a nested one the {rest=**} trigger", async () => {
      await db.doc("items/i1").update({ n: 2 });
      await db.doc("users/u1/posts/p1").set({ title: "draft" });
      await db.doc("users/u1/posts/p1").update({ title: "final" });
      await relay.settled();
      assert.deepEqual(recordsFor("items/i1"), ["itemCreated", "itemWritten", "itemWritten"]);
      const updated = recordsOf("itemWritten", "items/i1")[1]!;
      assert.deepEqual(
        [updated.before, updated.after],
        [
          { n: 1, label: "one" },
          { n: 2, label: "one" },
        ],
      );
      assert.deepEqual(recordsFor("users/u1/posts/p1"), ["nestedUpdated"], "the create is no update");
      const nested = recordsOf("nestedUpdated")[0]!;
      assert.deepEqual(nested.params, { userId: "u1", rest: "posts/p1" });
      assert.deepEqual(
        [nested.type, nested.before, nested.after],
        [`${TYPE}updated`, { title: "draft" }, { title: "final" }],
      );
    });

    it("a delete reaches the deleted and written triggers", async () => {
      await db.doc("items/i1").delete();
      await relay.settled();
      assert.deepEqual(recordsFor("items/i1"), [
        "itemCreated",
        "itemDeleted",
        "itemWritten",
        "itemWritten",
        "itemWritten",
      ]);
      const deleted = recordsOf("itemDeleted", "items/i1")[0]!;
      assert.deepEqual(
        [deleted.type, deleted.before, deleted.params],
        [`${TYPE}deleted`, { n: 2, label: "one" }, { itemId: "i1" }],
      );
      const written = recordsOf("itemWritten", "items/i1")[2]!;
      assert.deepEqual([written.before, written.after], [{ n: 2, label: "one" }, null]);
    });

    it("withAuthContext triggers run, with an auth type", async () => {
      await db.doc("audited/a1").set({ ok: true });
      await relay.settled();
      const [record] = recordsOf("auditedCreated", "audited/a1");
      assert.deepEqual(
        [record?.type, record?.authType, record?.after],
        [`${TYPE}created.withAuthContext`, "unknown", { ok: true }],
      );
    });

    it("a write that changes nothing fires nothing", async () => {
      await db.doc("items/same").set({ v: 1 });
      await relay.settled();
      const before = relay.stats();
      await db.doc("items/same").set({ v: 1 });
      await relay.settled();
      assert.deepEqual(relay.stats(), before);
      assert.deepEqual(recordsFor("items/same"), ["itemCreated", "itemWritten"]);
    });

    it("delivers in commit order per document", async () => {
      for (let n = 0; n < 6; n++) await db.doc("items/ordered").set({ n });
      await relay.settled();
      assert.deepEqual(
        recordsOf("itemWritten", "items/ordered").map((r) => (r.after as { n: number }).n),
        [0, 1, 2, 3, 4, 5],
      );
    });

    it("a function that throws is counted and logged once as a failed delivery", async () => {
      const { failed } = relay.stats();
      relayLog.length = 0;
      await db.doc("explode/e1").set({});
      await relay.settled();
      assert.equal(relay.stats().failed, failed + 1);
      assert.equal(relayLog.length, 1);
      assert.match(
        relayLog[0]!,
        /^trigger relay: exploding \(google\.cloud\.firestore\.document\.v1\.created\) for explode\/e1 failed: HTTP 500/,
      );
    });

    it("a redelivery after a dropped connection carries the same event id", async () => {
      const { retried, delivered } = relay.stats();
      proxy.failNext("us-central1-itemCreated-", { kind: "drop-after-forwarding" });
      await db.doc("items/r1").set({ x: 1 });
      await relay.settled();
      const runs = recordsOf("itemCreated", "items/r1");
      assert.equal(runs.length, 2, "the function ran, the answer was lost, the relay delivered again");
      const change = lastChange("items/r1");
      assert.equal(runs[0]!.id, eventId(change.name, change.commitTime, `${TYPE}created`));
      assert.equal(runs[1]!.id, runs[0]!.id);
      assert.equal(recordsOf("itemWritten", "items/r1").length, 1);
      assert.ok(relay.stats().retried > retried);
      assert.equal(relay.stats().delivered, delivered + 2);
    });

    it("retries while the emulator cannot be reached (as during a restart)", async () => {
      const { retried } = relay.stats();
      proxy.dropAllFor(1_500);
      await db.doc("items/down").set({ y: 1 });
      await relay.settled();
      assert.deepEqual(recordsFor("items/down"), ["itemCreated", "itemWritten"]);
      assert.ok(relay.stats().retried > retried);
    });

    it("an unknown-key 404 makes it refresh the definitions and deliver once more", async () => {
      const backendsReads = proxy.counts.get("GET /backends") ?? 0;
      proxy.failNext("us-central1-itemCreated-", { kind: "unknown-key" });
      await db.doc("items/k1").set({ z: 1 });
      await relay.settled();
      assert.equal(proxy.counts.get("GET /backends"), backendsReads + 1);
      assert.deepEqual(recordsFor("items/k1"), ["itemCreated", "itemWritten"]);
    });

    it("follows the emulator's trigger generations (hub disable / enable of background triggers)", async () => {
      const hub = (action: string) =>
        fetch(`${emulator!.hubOrigin}/functions/${action}BackgroundTriggers`, { method: "PUT" });
      assert.equal((await hub("disable")).status, 200);
      const { skipped } = relay.stats();
      await db.doc("items/off").set({ w: 1 });
      await relay.settled();
      assert.deepEqual(recordsFor("items/off"), [], "disabled triggers do not run");
      assert.equal(relay.stats().skipped, skipped + 2);

      assert.equal((await hub("enable")).status, 200); // re-registers every trigger as generation 1
      await db.doc("items/on").set({ w: 2 });
      await relay.settled();
      assert.deepEqual(recordsFor("items/on"), ["itemCreated", "itemWritten"]);
      await db.doc("items/on").set({ w: 3 }); // with the refreshed definitions: each trigger once
      await relay.settled();
      assert.deepEqual(recordsFor("items/on"), ["itemCreated", "itemWritten", "itemWritten"]);
      assert.equal(relay.stats().skipped, skipped + 2);
    });
  });

  describe("schedule ticker", () => {
    /** 60 times faster than real time: "every 1 minutes" comes round every second. */
    const SPEED = 60;
    const t0 = Date.now();
    const clock: Clock = {
      now: () => t0 + (Date.now() - t0) * SPEED,
      sleepUntil: (at, signal) => sleep(Math.max(0, (at - clock.now()) / SPEED), undefined, { signal }),
    };
    let ticker: ScheduleTicker;

    before(async () => {
      ticker = await startScheduleTicker({
        functionsOrigin: emulator!.origin,
        projectId: FIXTURE_PROJECT,
        host: "127.0.0.1",
        port: 0,
        clock,
      });
    });
    after(() => ticker?.close());

    const listing = async () => {
      const res = await fetch(`${ticker.url}/schedules`);
      assert.equal(res.status, 200);
      return ((await res.json()) as { schedules: Array<Record<string, Plain>> }).schedules;
    };

    it("lists the scheduled functions with their next run", async () => {
      const [tick, ...others] = await listing();
      assert.deepEqual(others, []);
      assert.deepEqual(
        { ...tick, nextRun: typeof tick!.nextRun },
        {
          name: "tick",
          id: "us-central1-tick",
          schedule: "every 1 minutes",
          timeZone: "UTC",
          nextRun: "string",
        },
      );
    });

    it("runs one on demand and answers when it has finished", async () => {
      const res = await fetch(`${ticker.url}/schedules/tick/run`, { method: "POST" });
      assert.equal(res.status, 200);
      const result = (await res.json()) as { name: string; status: number; scheduleTime: string };
      assert.deepEqual([result.name, result.status], ["tick", 200]);
      const record = recorder.records.find((r) => r.fn === "tick" && r.scheduleTime === result.scheduleTime);
      assert.ok(record, "the run's record is written before the answer");
      assert.equal(record.jobName, "firebase-schedule-tick-us-central1");

      const unknown = await fetch(`${ticker.url}/schedules/nope/run`, { method: "POST" });
      assert.equal(unknown.status, 404);
    });

    it("runs it on its schedule, at the announced time, intervals counted from the end of a run", async () => {
      const first = String((await listing())[0]!.nextRun);
      await recorder.until((records) => records.some((r) => r.fn === "tick" && r.scheduleTime === first));
      await recorder.until((records) =>
        records.some((r) => r.fn === "tick" && String(r.scheduleTime) > first),
      );
      const next = recorder.records.find((r) => r.fn === "tick" && String(r.scheduleTime) > first)!;
      assert.ok(
        Date.parse(String(next.scheduleTime)) - Date.parse(first) >= 60_000,
        `${first} then ${String(next.scheduleTime)}`,
      );
    });
  });
});
