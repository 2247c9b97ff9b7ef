// The bounded lock wait (local server only: it is this server's option). A transaction that waits
// longer than lockWaitMs for a document lock is aborted; the client SDK retries it.
import { strict as assert } from 'assert';
import type { Firestore } from 'firebase-admin/firestore';
import { dedicatedLocalServer, type DedicatedServer } from './harness';

describe('local-firestore: lock wait timeout', function () {
  this.timeout(20_000);
  let local: DedicatedServer;
  let db: Firestore;

  before(async () => {
    local = await dedicatedLocalServer({ lockWaitMs: 300 });
    db = local.db;
  });

  after(() => local?.close());

  it('a younger transaction waiting past lockWaitMs is aborted and retried', async () => {
    const ref = db.collection('locks').doc('d');
    await ref.set({ n: 0 });
    let holderHasLock!: () => void;
    const locked = new Promise<void>((resolve) => (holderHasLock = resolve));
    const holder = db.runTransaction(async (tx) => {
      const snap = await tx.get(ref);
      holderHasLock();
      await new Promise((resolve) => setTimeout(resolve, 1200));
      tx.update(ref, { n: (snap.get('n') as number) + 1 });
    });
    await locked;
    let attempts = 0;
    const started = Date.now();
    const waiter = db.runTransaction(async (tx) => {
      attempts++;
      const snap = await tx.get(ref);
      tx.update(ref, { n: (snap.get('n') as number) + 1 });
    });
    await Promise.all([holder, waiter]);
    assert.ok(attempts >= 2, `expected a retry after the lock wait timed out, got ${attempts} attempt(s)`);
    assert.ok(Date.now() - started >= 300);
    assert.equal((await ref.get()).get('n'), 2);
  });
});
