// The lock wait option (local server only: it is this server's option; the official emulator waits
// 2 s, the default). A write that waits longer than lockWaitMs for another transaction's lock fails
// with ABORTED; in a transaction the client SDK retries it.
import { strict as assert } from "assert";
import type { Firestore } from "firebase-admin/firestore";
import { GrpcStatus, dedicatedLocalServer, rejectionCode, type DedicatedServer } from "./harness";
import { DATABASE, rawClient, rawCollection } from "./raw-client";

describe("local-firestore: lock wait timeout", function () {
  this.timeout(20_000);
  let local: DedicatedServer;
  let db: Firestore;

  before(async () => {
    local = await dedicatedLocalServer({ lockWaitMs: 300 });
    db = local.db;
  });

  after(() => local?.close());

  it("a write outside any transaction waits lockWaitMs for a read lock, then fails with ABORTED", async () => {
    const raw = rawClient(local.server.address);
    try {
      const name = `${rawCollection("locks")}/d`;
      await raw.commit([{ update: { name, fields: {} } }]);
      const transaction = await raw.beginTransaction();
      await raw.batchGet({ database: DATABASE, documents: [name], transaction });
      const started = Date.now();
      assert.equal(
        await rejectionCode(raw.commit([{ update: { name, fields: { n: { integerValue: 1 } } } }])),
        GrpcStatus.ABORTED,
      );
      const waited = Date.now() - started;
      assert.ok(waited >= 300 && waited < 2000, `waited ${waited} ms`);
      await raw.call("Rollback", { database: DATABASE, transaction });
    } finally {
      raw.close();
    }
  });

  it("a transaction whose commit waits past lockWaitMs for another one is aborted and retried", async () => {
    const ref = db.collection("locks").doc("d");
    await ref.set({ n: 0 });
    let holderHasLock!: () => void;
    const locked = new Promise<void>((resolve) => (holderHasLock = resolve));
    const holder = db.runTransaction(async (tx) => {
      const snap = await tx.get(ref);
      holderHasLock();
      await new Promise((resolve) => setTimeout(resolve, 1200));
      tx.update(ref, { n: (snap.get("n") as number) + 1 });
    });
    await locked;
    let attempts = 0;
    const started = Date.now();
    const waiter = db.runTransaction(async (tx) => {
      attempts++;
      const snap = await tx.get(ref);
      tx.update(ref, { n: (snap.get("n") as number) + 1 });
    });
    await Promise.all([holder, waiter]);
    assert.ok(attempts >= 2, `expected a retry after the lock wait timed out, got ${attempts} attempt(s)`);
    assert.ok(Date.now() - started >= 300);
    assert.equal((await ref.get()).get("n"), 2);
  });
});
