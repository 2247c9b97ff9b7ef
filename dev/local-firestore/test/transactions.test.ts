// Transactions: serializable read-write transactions with the admin SDK's default retry policy
// (5 attempts). Server client libraries' transactions are pessimistic: what they read stays locked
// until they end, so writes to it wait; a commit that waits too long fails with ABORTED, and the
// SDK retries the transaction.
import { strict as assert } from "assert";
import { FieldValue } from "firebase-admin/firestore";
import { db, freshCollection, sleep } from "./harness";

/** A promise with its resolver, to interleave two transactions at chosen points. */
function signal(): { promise: Promise<void>; fire: () => void } {
  let fire!: () => void;
  const promise = new Promise<void>((resolve) => (fire = resolve));
  return { promise, fire };
}

describe("local-firestore conformance: transactions", function () {
  this.timeout(60_000);

  it("10 concurrent read-modify-write transactions on one document are all applied", async () => {
    const ref = freshCollection("tx-concurrent").doc("counter");
    await ref.set({ n: 0 });
    await Promise.all(
      Array.from({ length: 10 }, () =>
        db().runTransaction(async (tx) => {
          const snap = await tx.get(ref);
          tx.update(ref, { n: (snap.get("n") as number) + 1 });
        }),
      ),
    );
    assert.equal((await ref.get()).get("n"), 10);
  });

  it('5 concurrent "create if missing, else increment" transactions: exactly one creates', async () => {
    const ref = freshCollection("tx-create").doc("d");
    await Promise.all(
      Array.from({ length: 5 }, () =>
        db().runTransaction(async (tx) => {
          const snap = await tx.get(ref);
          if (snap.exists) tx.update(ref, { n: (snap.get("n") as number) + 1 });
          else tx.create(ref, { n: 1 });
        }),
      ),
    );
    assert.equal((await ref.get()).get("n"), 5);
  });

  it("a write outside the transaction to a document it read waits for its commit, then lands", async () => {
    const ref = freshCollection("tx-outside").doc("d");
    await ref.set({ log: ["start"] });
    let attempts = 0;
    let outside: Promise<unknown> | undefined;
    let landed = false;
    await db().runTransaction(async (tx) => {
      attempts++;
      const snap = await tx.get(ref);
      outside ??= ref.update({ log: FieldValue.arrayUnion("outside") }).then(() => (landed = true));
      await sleep(300);
      assert.equal(landed, false, "the outside write waits for the read lock of the transaction");
      tx.update(ref, { log: [...(snap.get("log") as string[]), "transaction"] });
    });
    await outside;
    assert.equal(attempts, 1);
    assert.deepEqual((await ref.get()).get("log"), ["start", "transaction", "outside"]);
  });

  it("a write into a collection the transaction queried waits for its commit, matching the query or not", async () => {
    const col = freshCollection("tx-phantom");
    await col.doc("a").set({ kind: "x", v: 1 });
    await col.doc("b").set({ kind: "x", v: 2 });
    const total = col.doc("total");
    let attempts = 0;
    let inserts: Promise<unknown> | undefined;
    let landed = 0;
    await db().runTransaction(async (tx) => {
      attempts++;
      const snap = await tx.get(col.where("kind", "==", "x"));
      inserts ??= Promise.all(
        [col.doc("c").set({ kind: "x", v: 4 }), col.doc("y").set({ kind: "y", v: 8 })].map((p) =>
          p.then(() => landed++),
        ),
      );
      await sleep(300);
      assert.equal(landed, 0, "inserts into the queried collection wait for the lock of the transaction");
      tx.set(total, { sum: snap.docs.reduce((s, d) => s + (d.get("v") as number), 0) });
    });
    await inserts;
    assert.equal(attempts, 1);
    const [c, y, sum] = await db().getAll(col.doc("c"), col.doc("y"), total);
    assert.equal(sum!.get("sum"), 3);
    for (const inserted of [c!, y!])
      assert.ok(
        inserted.createTime!.valueOf() > sum!.updateTime!.valueOf(),
        `${inserted.id} landed after the commit`,
      );
  });

  it('concurrent "count then insert" transactions are serializable (no phantom reads)', async () => {
    const col = freshCollection("tx-count");
    await Promise.all(
      Array.from({ length: 4 }, () =>
        db().runTransaction(async (tx) => {
          const count = (await tx.get(col.count())).data().count;
          tx.create(col.doc(`n${count}`), { count });
        }),
      ),
    );
    const ids = (await col.get()).docs.map((d) => d.id);
    assert.deepEqual(ids, ["n0", "n1", "n2", "n3"]);
  });

  it("two transactions locking two documents in opposite order both complete (the lock timeout breaks the deadlock)", async () => {
    const col = freshCollection("tx-deadlock");
    const a = col.doc("a");
    const b = col.doc("b");
    await a.set({ n: 0 });
    await b.set({ n: 0 });
    const firstReadDone = [signal(), signal()];
    const run = (mine: number, first: typeof a, second: typeof a) => {
      let attempt = 0;
      return db().runTransaction(async (tx) => {
        attempt++;
        const s1 = await tx.get(first);
        if (attempt === 1) {
          firstReadDone[mine]!.fire();
          await firstReadDone[1 - mine]!.promise;
        }
        const s2 = await tx.get(second);
        tx.update(first, { n: (s1.get("n") as number) + 1 });
        tx.update(second, { n: (s2.get("n") as number) + 1 });
      });
    };
    await Promise.all([run(0, a, b), run(1, b, a)]);
    assert.equal((await a.get()).get("n"), 2);
    assert.equal((await b.get()).get("n"), 2);
  });

  it("a failed transaction writes nothing and releases its locks", async () => {
    const ref = freshCollection("tx-fail").doc("d");
    await ref.set({ n: 1 });
    await assert.rejects(
      db().runTransaction(async (tx) => {
        await tx.get(ref);
        tx.update(ref, { n: 2 });
        throw new Error("callback failed");
      }),
      /callback failed/,
    );
    const started = Date.now();
    await db().runTransaction(async (tx) => {
      const snap = await tx.get(ref);
      tx.update(ref, { n: (snap.get("n") as number) + 10 });
    });
    assert.ok(Date.now() - started < 5000, "the second transaction should not wait for a lock");
    assert.equal((await ref.get()).get("n"), 11);
  });

  it("transaction writes are atomic with its preconditions: a failing create writes nothing", async () => {
    const col = freshCollection("tx-atomic");
    await col.doc("exists").set({ v: 1 });
    await assert.rejects(
      db().runTransaction(async (tx) => {
        await tx.get(col.doc("exists"));
        tx.set(col.doc("new"), { v: 1 });
        tx.create(col.doc("exists"), { v: 2 });
      }),
      (err: { code?: number }) => err.code === 6,
    );
    assert.equal((await col.doc("new").get()).exists, false);
  });

  it("transforms inside a transaction, and read-only transactions", async () => {
    const ref = freshCollection("tx-misc").doc("d");
    await ref.set({ n: 1 });
    await db().runTransaction(async (tx) => {
      await tx.get(ref);
      tx.update(ref, { n: FieldValue.increment(5), at: FieldValue.serverTimestamp() });
    });
    assert.equal((await ref.get()).get("n"), 6);
    const n = await db().runTransaction(async (tx) => (await tx.get(ref)).get("n") as number, {
      readOnly: true,
    });
    assert.equal(n, 6);
    const [snap] = await db().runTransaction(async (tx) => tx.getAll(ref), { readOnly: true });
    assert.equal(snap!.get("n"), 6);
  });
});
