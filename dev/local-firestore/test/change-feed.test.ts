// The in-process change feed (this server's own feature, on a server of the test's own): one event
// per changed document per commit, after the commit, in commit order, with proto-shaped documents.
import { strict as assert } from "assert";
import { randomBytes } from "crypto";
import type { DocumentChange } from "../src/index";
import { dedicatedLocalServer, type DedicatedServer } from "./harness";

describe("local-firestore: change feed", function () {
  let local: DedicatedServer;
  before(async () => {
    local = await dedicatedLocalServer();
  });
  after(() => local?.close());
  const db = () => local.db;
  const freshCollection = (label: string) =>
    local.db.collection(`${label}-${randomBytes(5).toString("hex")}`);

  it("emits before/after per changed document per commit, in commit order", async () => {
    const col = freshCollection("feed");
    const events: DocumentChange[] = [];
    const stop = local.server.onDocumentChange((change) => {
      if (change.name.includes(`/${col.id}/`)) events.push(change);
    });
    try {
      await col.doc("a").set({ v: 1 });
      await col.doc("a").update({ v: 2 });
      await col.doc("a").set({ v: 2 }); // no change: no event
      const batch = db().batch();
      batch.set(col.doc("b"), { w: "x" });
      batch.delete(col.doc("a"));
      await batch.commit();
      await col
        .doc("c")
        .update({ v: 1 })
        .catch(() => undefined); // failed: no event
      await col.doc("never").delete(); // deleting nothing: no event

      const summary = events.map((e) => [
        e.name.slice(e.name.lastIndexOf("/") + 1),
        e.before?.fields.v?.integerValue ?? null,
        e.after ? (e.after.fields.v?.integerValue ?? e.after.fields.w?.stringValue) : null,
      ]);
      assert.deepEqual(summary, [
        ["a", null, "1"],
        ["a", "1", "2"],
        ["b", null, "x"],
        ["a", "2", null],
      ]);
      const [created, updated, batchB, batchA] = events;
      assert.match(created!.name, /^projects\/demo-aideon-perf\/databases\/\(default\)\/documents\//);
      assert.deepEqual(created!.after!.createTime, created!.commitTime);
      assert.deepEqual(updated!.after!.createTime, created!.after!.createTime);
      assert.deepEqual(updated!.after!.updateTime, updated!.commitTime);
      assert.deepEqual(batchA!.commitTime, batchB!.commitTime);
      const seconds = events.map((e) => Number(e.commitTime.seconds) * 1e9 + (e.commitTime.nanos ?? 0));
      assert.ok(seconds[1]! > seconds[0]! && seconds[2]! > seconds[1]!);
    } finally {
      stop();
    }
    const before = events.length;
    await col.doc("after-unsubscribe").set({ v: 1 });
    assert.equal(events.length, before);
  });

  it("a throwing listener does not fail the commit", async () => {
    const ref = freshCollection("feed-throw").doc("d");
    const stop = local.server.onDocumentChange(() => {
      throw new Error("listener bug");
    });
    const logged = console.error;
    console.error = () => undefined;
    try {
      await ref.set({ v: 1 });
    } finally {
      console.error = logged;
      stop();
    }
    assert.equal((await ref.get()).get("v"), 1);
  });
});
