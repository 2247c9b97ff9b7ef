// Listen (onSnapshot): document and query listeners get an initial snapshot, then one snapshot per
// change with the right added / modified / removed document changes; a query the server rejects
// fails its listener only.
import { strict as assert } from "assert";
import { type DocumentSnapshot, FieldPath, type Query, type QuerySnapshot } from "firebase-admin/firestore";
import { GrpcStatus, db, freshCollection } from "./harness";

/** Collects snapshots and lets a test wait for the next one. */
class Snapshots<T> {
  private readonly seen: T[] = [];
  private waiting: ((snap: T) => void) | undefined;
  private read = 0;
  readonly push = (snap: T) => {
    this.seen.push(snap);
    this.flush();
  };

  next(timeoutMs = 5000): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error("no snapshot arrived")), timeoutMs);
      this.waiting = (snap) => {
        clearTimeout(timer);
        resolve(snap);
      };
      this.flush();
    });
  }

  private flush(): void {
    if (!this.waiting || this.read >= this.seen.length) return;
    const deliver = this.waiting;
    this.waiting = undefined;
    deliver(this.seen[this.read++]!);
  }
}

const changes = (snap: QuerySnapshot) => snap.docChanges().map((c) => `${c.type}:${c.doc.id}`);

describe("local-firestore conformance: listen (onSnapshot)", () => {
  it("document listener: missing, created, modified, deleted", async () => {
    const ref = freshCollection("listen-doc").doc("d");
    const snaps = new Snapshots<DocumentSnapshot>();
    const stop = ref.onSnapshot(snaps.push);
    try {
      assert.equal((await snaps.next()).exists, false);
      await ref.set({ v: 1 });
      assert.deepEqual((await snaps.next()).data(), { v: 1 });
      await ref.update({ v: 2 });
      assert.deepEqual((await snaps.next()).data(), { v: 2 });
      await ref.delete();
      assert.equal((await snaps.next()).exists, false);
    } finally {
      stop();
    }
  });

  it("query listener: initial results, then added / modified / removed changes", async () => {
    const col = freshCollection("listen-query");
    await col.doc("a").set({ kind: "x", n: 1 });
    await col.doc("b").set({ kind: "y", n: 2 });
    const snaps = new Snapshots<QuerySnapshot>();
    const stop = col.where("kind", "==", "x").onSnapshot(snaps.push);
    try {
      const initial = await snaps.next();
      assert.deepEqual(
        initial.docs.map((d) => d.id),
        ["a"],
      );
      assert.deepEqual(changes(initial), ["added:a"]);
      await col.doc("c").set({ kind: "x", n: 3 });
      assert.deepEqual(changes(await snaps.next()), ["added:c"]);
      await col.doc("a").update({ n: 10 });
      const modified = await snaps.next();
      assert.deepEqual(changes(modified), ["modified:a"]);
      assert.equal(modified.docs.find((d) => d.id === "a")!.get("n"), 10);
      await col.doc("b").update({ kind: "x" });
      assert.deepEqual(changes(await snaps.next()), ["added:b"]);
      await col.doc("c").update({ kind: "z" });
      assert.deepEqual(changes(await snaps.next()), ["removed:c"]);
      await col.doc("a").delete();
      const last = await snaps.next();
      assert.deepEqual(changes(last), ["removed:a"]);
      assert.deepEqual(
        last.docs.map((d) => d.id),
        ["b"],
      );
    } finally {
      stop();
    }
  });

  it("ordered, limited query listener follows its window", async () => {
    const col = freshCollection("listen-limit");
    await col.doc("a").set({ n: 1 });
    await col.doc("b").set({ n: 2 });
    await col.doc("c").set({ n: 3 });
    const snaps = new Snapshots<QuerySnapshot>();
    const query: Query = col.orderBy("n").limit(2);
    const stop = query.onSnapshot(snaps.push);
    try {
      assert.deepEqual(
        (await snaps.next()).docs.map((d) => d.id),
        ["a", "b"],
      );
      await col.doc("z").set({ n: 0 });
      const shifted = await snaps.next();
      assert.deepEqual(
        shifted.docs.map((d) => d.id),
        ["z", "a"],
      );
      assert.deepEqual(changes(shifted).sort(), ["added:z", "removed:b"]);
      await col.doc("z").delete();
      assert.deepEqual(
        (await snaps.next()).docs.map((d) => d.id),
        ["a", "b"],
      );
    } finally {
      stop();
    }
  });

  it("a listener on a query the server cannot run gets its error; listeners beside it go on", async () => {
    const col = freshCollection("listen-rejected");
    const snaps = new Snapshots<QuerySnapshot>();
    const stop = col.onSnapshot(snaps.push);
    try {
      assert.equal((await snaps.next()).size, 0);
      const message = await new Promise<string>((resolve, reject) => {
        const stopRejected = col.orderBy(FieldPath.documentId(), "desc").onSnapshot(
          () => reject(new Error("a descending key scan should not produce a snapshot")),
          (err) => {
            stopRejected();
            resolve(err.message);
          },
        );
      });
      // The Admin SDK reports the target's cause as "Error 9: ..." (9: FAILED_PRECONDITION).
      assert.match(
        message,
        new RegExp(`${GrpcStatus.FAILED_PRECONDITION}: Firestore does not support descending key scans`),
      );
      await col.doc("a").set({ v: 1 });
      assert.deepEqual(changes(await snaps.next()), ["added:a"]);
    } finally {
      stop();
    }
  });

  it("a batch touching several listened documents arrives as one snapshot", async () => {
    const col = freshCollection("listen-batch");
    const snaps = new Snapshots<QuerySnapshot>();
    const stop = col.onSnapshot(snaps.push);
    try {
      assert.equal((await snaps.next()).size, 0);
      const batch = db().batch();
      batch.set(col.doc("a"), { v: 1 });
      batch.set(col.doc("b"), { v: 2 });
      await batch.commit();
      const snap = await snaps.next();
      assert.deepEqual(changes(snap), ["added:a", "added:b"]);
    } finally {
      stop();
    }
  });
});
