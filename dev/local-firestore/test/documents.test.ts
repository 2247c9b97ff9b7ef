// Documents: reads, writes, write semantics (set / merge / update / delete), preconditions,
// atomic batches and server-side transforms, as documented for Firestore.
import { strict as assert } from "assert";
import { FieldPath, FieldValue, GeoPoint, Timestamp } from "firebase-admin/firestore";
import { GrpcStatus, db, freshCollection, rejectionCode } from "./harness";

/**
 * A server timestamp is "the time at which the server processed the request, with millisecond
 * precision" (write.proto): whole milliseconds, at or before the commit time (the official emulator
 * takes it a millisecond or two before committing).
 */
function assertServerTime(at: Timestamp, writeTime: Timestamp): void {
  assert.equal(
    at.nanoseconds % 1_000_000,
    0,
    `${at.toDate().toISOString()} has more than millisecond precision`,
  );
  assert.ok(at.valueOf() <= writeTime.valueOf(), "a server timestamp is not after the commit");
  assert.ok(writeTime.toMillis() - at.toMillis() < 1000, "a server timestamp is the time of the request");
}

describe("local-firestore conformance: documents", () => {
  it("round-trips every value type", async () => {
    const col = freshCollection("values");
    const data = {
      nil: null,
      yes: true,
      int: 42,
      big: 9007199254740991,
      dbl: 1.5,
      neg: -0.25,
      str: "héllo 🌍",
      ts: Timestamp.fromMillis(1_700_000_000_123),
      bytes: Buffer.from([0, 1, 2, 255]),
      geo: new GeoPoint(48.85, 2.35),
      ref: col.doc("other"),
      arr: [1, "two", { four: 4, list: [3] }],
      map: { nested: { deep: "x" }, empty: {} },
      emptyArr: [],
    };
    await col.doc("a").set(data);
    const snap = await col.doc("a").get();
    assert.equal(snap.exists, true);
    const got = snap.data()!;
    assert.deepEqual(
      { ...got, ts: undefined, ref: undefined, geo: undefined, bytes: undefined },
      { ...data, ts: undefined, ref: undefined, geo: undefined, bytes: undefined },
    );
    assert.ok((got.ts as Timestamp).isEqual(data.ts));
    assert.equal((got.ref as typeof data.ref).path, data.ref.path);
    assert.ok((got.geo as GeoPoint).isEqual(data.geo));
    assert.deepEqual([...(got.bytes as Buffer)], [0, 1, 2, 255]);
  });

  it("get of a missing document: exists false; getAll reports found and missing in order", async () => {
    const col = freshCollection("missing");
    await col.doc("present").set({ v: 1 });
    const [a, b] = await db().getAll(col.doc("absent"), col.doc("present"));
    assert.equal(a!.exists, false);
    assert.equal(a!.data(), undefined);
    assert.equal(b!.exists, true);
    assert.deepEqual(b!.data(), { v: 1 });
  });

  it("getAll with a field mask returns only the masked fields", async () => {
    const col = freshCollection("mask");
    await col.doc("d").set({ a: 1, b: { c: 2, d: 3 }, e: 4 });
    const [snap] = await db().getAll(col.doc("d"), { fieldMask: ["a", "b.c"] });
    assert.deepEqual(snap!.data(), { a: 1, b: { c: 2 } });
  });

  it("keeps createTime, advances updateTime, and a no-op write keeps updateTime", async () => {
    const ref = freshCollection("times").doc("d");
    const first = await ref.set({ v: 1 });
    const s1 = await ref.get();
    assert.ok(s1.createTime!.isEqual(first.writeTime));
    assert.ok(s1.updateTime!.isEqual(first.writeTime));
    const second = await ref.set({ v: 2 });
    const s2 = await ref.get();
    assert.ok(s2.createTime!.isEqual(s1.createTime!));
    assert.ok(s2.updateTime!.toMillis() >= s1.updateTime!.toMillis());
    assert.ok(s2.updateTime!.isEqual(second.writeTime));
    assert.ok(!s2.updateTime!.isEqual(s1.updateTime!));
    // WriteResult.update_time: "If the write did not actually change the document, this will be the previous update_time."
    const same = await ref.set({ v: 2 });
    assert.ok(same.writeTime.isEqual(s2.updateTime!));
  });

  it("commit times strictly increase and every write of one batch gets the commit time", async () => {
    const col = freshCollection("committime");
    const times: Timestamp[] = [];
    for (let i = 0; i < 5; i++) times.push((await col.doc(`d${i}`).set({ i })).writeTime);
    for (let i = 1; i < times.length; i++) assert.ok(times[i]!.valueOf() > times[i - 1]!.valueOf());
    const batch = db().batch();
    batch.set(col.doc("x"), { v: 1 });
    batch.set(col.doc("y"), { v: 2 });
    batch.update(col.doc("d0"), { i: 100 });
    const results = await batch.commit();
    assert.equal(results.length, 3);
    assert.ok(results.every((r) => r.writeTime.isEqual(results[0]!.writeTime)));
    assert.ok(results[0]!.writeTime.valueOf() > times[4]!.valueOf());
  });

  it("set replaces the whole document; set with merge / mergeFields merges", async () => {
    const ref = freshCollection("set").doc("d");
    await ref.set({ a: 1, b: { c: 2, d: 3 } });
    await ref.set({ e: 5 });
    assert.deepEqual((await ref.get()).data(), { e: 5 });
    await ref.set({ a: 1, b: { c: 2, d: 3 } });
    await ref.set({ b: { c: 20 }, f: 6 }, { merge: true });
    assert.deepEqual((await ref.get()).data(), { a: 1, b: { c: 20, d: 3 }, f: 6 });
    await ref.set({ a: 100, b: { c: 200, d: 300 }, g: 7 }, { mergeFields: ["a", "b.d"] });
    assert.deepEqual((await ref.get()).data(), { a: 100, b: { c: 20, d: 300 }, f: 6 });
  });

  it("update with dotted paths, nested maps and quoted (backtick) segments", async () => {
    const ref = freshCollection("update").doc("d");
    await ref.set({ a: { b: 1, c: 2 }, "x.y": "literal", top: 0 });
    await ref.update({ "a.b": 10, top: 1 });
    assert.deepEqual((await ref.get()).data(), { a: { b: 10, c: 2 }, "x.y": "literal", top: 1 });
    await ref.update(new FieldPath("x.y"), "changed", new FieldPath("odd key", "inner-1"), true);
    assert.deepEqual((await ref.get()).data(), {
      a: { b: 10, c: 2 },
      "x.y": "changed",
      top: 1,
      "odd key": { "inner-1": true },
    });
    // update() replaces the value at the path: a map value replaces the whole map.
    await ref.update({ a: { z: 9 } });
    assert.deepEqual((await ref.get()).data()!.a, { z: 9 });
    // A dotted path through a non-map value replaces it with a map.
    await ref.update({ "top.sub": "x" });
    assert.deepEqual((await ref.get()).data()!.top, { sub: "x" });
  });

  it("FieldValue.delete() removes top-level and nested fields (update and set-merge)", async () => {
    const ref = freshCollection("fvdelete").doc("d");
    await ref.set({ a: 1, b: { c: 2, d: 3 }, e: 4, f: { g: 5, h: 6 } });
    await ref.update({ a: FieldValue.delete(), "b.c": FieldValue.delete() });
    assert.deepEqual((await ref.get()).data(), { b: { d: 3 }, e: 4, f: { g: 5, h: 6 } });
    await ref.set({ e: FieldValue.delete(), f: { g: FieldValue.delete() } }, { merge: true });
    assert.deepEqual((await ref.get()).data(), { b: { d: 3 }, f: { h: 6 } });
  });

  it("delete removes the document; deleting a missing document succeeds", async () => {
    const ref = freshCollection("delete").doc("d");
    await ref.set({ v: 1 });
    await ref.delete();
    assert.equal((await ref.get()).exists, false);
    await ref.delete();
  });

  it("create on an existing document fails with ALREADY_EXISTS", async () => {
    const ref = freshCollection("create").doc("d");
    await ref.create({ v: 1 });
    assert.equal(await rejectionCode(ref.create({ v: 2 })), GrpcStatus.ALREADY_EXISTS);
    assert.deepEqual((await ref.get()).data(), { v: 1 });
  });

  it("update (and delete with exists precondition) of a missing document fails with NOT_FOUND", async () => {
    const col = freshCollection("notfound");
    assert.equal(await rejectionCode(col.doc("nope").update({ v: 1 })), GrpcStatus.NOT_FOUND);
    assert.equal((await col.doc("nope").get()).exists, false);
    assert.equal(await rejectionCode(col.doc("nope").delete({ exists: true })), GrpcStatus.NOT_FOUND);
  });

  it("a stale lastUpdateTime precondition fails with FAILED_PRECONDITION; the current one succeeds", async () => {
    const ref = freshCollection("precondition").doc("d");
    const first = await ref.set({ v: 1 });
    const second = await ref.update({ v: 2 });
    const code = await rejectionCode(ref.update({ v: 3 }, { lastUpdateTime: first.writeTime }));
    assert.equal(code, GrpcStatus.FAILED_PRECONDITION);
    assert.equal(
      await rejectionCode(ref.delete({ lastUpdateTime: first.writeTime })),
      GrpcStatus.FAILED_PRECONDITION,
    );
    assert.deepEqual((await ref.get()).data(), { v: 2 });
    await ref.update({ v: 4 }, { lastUpdateTime: second.writeTime });
    assert.deepEqual((await ref.get()).data(), { v: 4 });
  });

  it("a batch is atomic: set(A) + update(missing B) fails and A is not written", async () => {
    const col = freshCollection("atomic");
    await col.doc("existing").set({ v: 1 });
    const batch = db().batch();
    batch.set(col.doc("A"), { v: 1 });
    batch.update(col.doc("existing"), { v: 2 });
    batch.update(col.doc("B"), { v: 1 });
    assert.equal(await rejectionCode(batch.commit()), GrpcStatus.NOT_FOUND);
    assert.equal((await col.doc("A").get()).exists, false);
    assert.deepEqual((await col.doc("existing").get()).data(), { v: 1 });
  });

  it("an array directly inside an array is INVALID_ARGUMENT in set, merge, update, batches and transactions", async () => {
    const col = freshCollection("nested-arrays");
    const ref = col.doc("d");
    // An array inside a map inside an array is fine.
    await ref.set({ ok: [{ list: [1, 2] }] });
    await assert.rejects(
      col.doc("set").set({ a: [1, [2]] }),
      /Cannot convert an array value in an array value/,
    );
    assert.equal(await rejectionCode(col.doc("set").set({ m: { deep: [[]] } })), GrpcStatus.INVALID_ARGUMENT);
    assert.equal(await rejectionCode(ref.set({ b: [[1]] }, { merge: true })), GrpcStatus.INVALID_ARGUMENT);
    assert.equal(await rejectionCode(ref.update({ "ok.deep": [[1]] })), GrpcStatus.INVALID_ARGUMENT);
    const batch = db()
      .batch()
      .set(col.doc("batched"), { v: 1 })
      .set(col.doc("nested"), { a: [[1]] });
    assert.equal(await rejectionCode(batch.commit()), GrpcStatus.INVALID_ARGUMENT);
    assert.equal(
      await rejectionCode(db().runTransaction(async (tx) => void tx.set(col.doc("tx"), { a: [[1]] }))),
      GrpcStatus.INVALID_ARGUMENT,
    );
    assert.deepEqual(
      (await col.get()).docs.map((d) => d.id),
      ["d"],
    );
    assert.deepEqual((await ref.get()).data(), { ok: [{ list: [1, 2] }] });
    // A query value may hold one: no stored value can equal it.
    assert.equal((await col.where("ok", "==", [[1]]).get()).size, 0);
  });

  describe("transforms", () => {
    it("increment: integer stays integer, mixing a double gives double, missing field takes the operand", async () => {
      const ref = freshCollection("increment").doc("d");
      await ref.set({ i: 1, d: 1.5, s: "text" });
      await ref.update({
        i: FieldValue.increment(2),
        d: FieldValue.increment(1),
        n: FieldValue.increment(5),
        s: FieldValue.increment(3),
      });
      assert.deepEqual((await ref.get()).data(), { i: 3, d: 2.5, n: 5, s: 3 });
      await ref.update({ i: FieldValue.increment(0.5) });
      assert.equal((await ref.get()).get("i"), 3.5);
    });

    it("concurrent non-transactional increments are all applied", async () => {
      const ref = freshCollection("increments").doc("d");
      await ref.set({ n: 0 });
      await Promise.all(Array.from({ length: 20 }, () => ref.update({ n: FieldValue.increment(1) })));
      assert.equal((await ref.get()).get("n"), 20);
    });

    it("increment, serverTimestamp and arrayUnion on nested field paths", async () => {
      const ref = freshCollection("nestedtransforms").doc("d");
      await ref.set({ stats: { count: 1, other: "keep" } });
      const result = await ref.update({
        "stats.count": FieldValue.increment(2),
        "stats.at": FieldValue.serverTimestamp(),
        "stats.tags": FieldValue.arrayUnion("a", "b"),
        "fresh.deep.n": FieldValue.increment(7),
      });
      const data = (await ref.get()).data()!;
      assert.equal(data.stats.count, 3);
      assert.equal(data.stats.other, "keep");
      assertServerTime(data.stats.at as Timestamp, result.writeTime);
      assert.deepEqual(data.stats.tags, ["a", "b"]);
      assert.deepEqual(data.fresh, { deep: { n: 7 } });
      await ref.set({ stats: { count: FieldValue.increment(10) } }, { merge: true });
      assert.equal((await ref.get()).get("stats.count"), 13);
    });

    it("two serverTimestamps in one write get the same request time; serverTimestamp with increment", async () => {
      const ref = freshCollection("servertime").doc("d");
      const result = await ref.set({
        a: FieldValue.serverTimestamp(),
        nested: { b: FieldValue.serverTimestamp() },
        n: FieldValue.increment(1),
        plain: 1,
      });
      const data = (await ref.get()).data()!;
      assertServerTime(data.a as Timestamp, result.writeTime);
      assert.ok((data.nested.b as Timestamp).isEqual(data.a as Timestamp));
      assert.equal(data.n, 1);
      assert.equal(data.plain, 1);
    });

    it("arrayUnion on a missing field creates the array; adds only missing elements", async () => {
      const ref = freshCollection("arrayunion").doc("d");
      await ref.set({ other: true });
      await ref.update({ tags: FieldValue.arrayUnion("x", "y", "x") });
      assert.deepEqual((await ref.get()).get("tags"), ["x", "y"]);
      await ref.update({ tags: FieldValue.arrayUnion("y", "z"), nums: FieldValue.arrayUnion(1) });
      await ref.update({ nums: FieldValue.arrayUnion(1, 2, { m: 1 }) });
      await ref.update({ nums: FieldValue.arrayUnion({ m: 1 }) });
      const data = (await ref.get()).data()!;
      assert.deepEqual(data.tags, ["x", "y", "z"]);
      assert.deepEqual(data.nums, [1, 2, { m: 1 }]);
    });

    it("arrayRemove removes every equal element; on a missing field it sets an empty array", async () => {
      const ref = freshCollection("arrayremove").doc("d");
      await ref.set({ a: [1, 2, 1, 3, { k: "v" }, 2.0] });
      await ref.update({ a: FieldValue.arrayRemove(1, 2, { k: "v" }), b: FieldValue.arrayRemove("x") });
      assert.deepEqual((await ref.get()).data(), { a: [3], b: [] });
    });

    it("transform on a non-existent document creates it (set with merge)", async () => {
      const ref = freshCollection("transformcreate").doc("d");
      await ref.set({ n: FieldValue.increment(3), at: FieldValue.serverTimestamp() }, { merge: true });
      const data = (await ref.get()).data()!;
      assert.equal(data.n, 3);
      assert.ok(data.at instanceof Timestamp);
    });
  });
});
