// Read-write transactions with strict two-phase locking, like Firestore's server libraries: every
// transactional read locks the documents it returns (missing ones too) until commit, rollback, abort
// or idle expiry. Non-transactional writes do not wait for locks; instead a commit re-checks what the
// transaction read (document versions, query results) and fails with ABORTED if anything changed,
// which makes the client SDK retry. Read-only transactions take no locks.
import { randomBytes } from 'crypto';
import type { Write, TransactionOptions } from './proto';
import { aborted, invalidArgument, unimplemented } from './errors';
import { LockTable, type LockOwner, type Waiter } from './locks';
import type { CommitOutcome, Store } from './store';
import type { StoredDocument } from './document';
import type { Micros } from './time';
import { writeTarget } from './writes';

export class Transaction implements LockOwner {
  readonly held = new Set<string>();
  readonly waits = new Set<Waiter>();
  /** Update time of each document when first read (undefined: it was missing). */
  readonly reads = new Map<string, Micros | undefined>();
  /** Queries read, each with a way to re-run it and the result signature seen. */
  readonly queries: { run: () => StoredDocument[]; seen: string }[] = [];
  state: 'active' | 'aborted' | 'finished' = 'active';
  abortReason = '';
  lastUsed = Date.now();

  constructor(
    readonly id: Buffer,
    readonly database: string,
    readonly readOnly: boolean,
    readonly age: number,
  ) {}
}

export interface TransactionSettings {
  lockWaitMs: number;
  idleMs: number;
}

export class Transactions {
  private readonly byId = new Map<string, Transaction>();
  private readonly locks: LockTable;
  private nextAge = 0;
  private readonly sweeper: NodeJS.Timeout;

  constructor(
    private readonly store: Store,
    private readonly settings: TransactionSettings,
  ) {
    this.locks = new LockTable(
      settings.lockWaitMs,
      (victim) => this.abort(victim as Transaction, 'Transaction aborted by an older conflicting transaction (wound-wait).'),
      (owner) => this.abort(owner as Transaction, 'Transaction lock timeout.'),
    );
    this.sweeper = setInterval(() => this.sweep(), 1000);
    this.sweeper.unref();
  }

  /** A retry (read_write.retry_transaction) keeps the age of the attempt it replaces. */
  begin(database: string, options: TransactionOptions | undefined): Transaction {
    if (options?.readOnly?.readTime) {
      throw unimplemented('local-firestore keeps no history: read-only transactions at a read_time are not supported.');
    }
    const retried = options?.readWrite?.retryTransaction?.length
      ? this.byId.get(Buffer.from(options.readWrite.retryTransaction).toString('hex'))
      : undefined;
    if (retried) this.abort(retried, 'Superseded by its retry.');
    const txn = new Transaction(randomBytes(16), database, !!options?.readOnly, retried?.age ?? this.nextAge++);
    this.byId.set(txn.id.toString('hex'), txn);
    return txn;
  }

  /** The active transaction with this id; ABORTED if it was aborted, INVALID_ARGUMENT if unknown. */
  find(database: string, id: Uint8Array): Transaction {
    const txn = this.byId.get(Buffer.from(id).toString('hex'));
    if (!txn || txn.database !== database || txn.state === 'finished') {
      // The client SDK retries INVALID_ARGUMENT only when the message says "transaction has expired".
      throw invalidArgument('The transaction has expired or is not valid (transaction has expired).');
    }
    txn.lastUsed = Date.now();
    this.ensureActive(txn);
    return txn;
  }

  /** Ends the transaction if it is still running; rolling back an ended one is a no-op. */
  rollback(database: string, id: Uint8Array): void {
    const txn = this.byId.get(Buffer.from(id).toString('hex'));
    if (!txn || txn.database !== database) throw invalidArgument('The transaction has expired or is not valid.');
    this.finish(txn);
  }

  /** Locks the named documents for a transactional read and records the versions read. */
  async readDocuments(txn: Transaction, names: string[]): Promise<(StoredDocument | undefined)[]> {
    if (!txn.readOnly) {
      for (const name of names) await this.locks.acquire(txn, name);
      this.ensureActive(txn);
    }
    return names.map((name) => {
      const doc = this.store.get(name);
      if (!txn.readOnly && !txn.reads.has(name)) txn.reads.set(name, doc?.updateTime);
      return doc;
    });
  }

  /** Runs a query under the transaction: locks its result set (re-running until stable) and records it. */
  async readQuery(txn: Transaction, run: () => StoredDocument[]): Promise<StoredDocument[]> {
    if (txn.readOnly) return run();
    for (;;) {
      const docs = run();
      const unlocked = docs.filter((d) => !txn.held.has(d.name));
      if (unlocked.length === 0) {
        txn.queries.push({ run, seen: signature(docs) });
        return docs;
      }
      for (const doc of unlocked) await this.locks.acquire(txn, doc.name);
      this.ensureActive(txn);
    }
  }

  async commit(txn: Transaction, writes: Write[]): Promise<CommitOutcome> {
    if (txn.readOnly && writes.length > 0) throw invalidArgument('Cannot write in a read-only transaction.');
    for (const write of writes) await this.locks.acquire(txn, writeTarget(write));
    this.ensureActive(txn);
    if (!this.readsUnchanged(txn)) {
      const reason = 'Transaction aborted: what it read was changed by another write.';
      this.abort(txn, reason);
      throw aborted(reason);
    }
    try {
      return this.store.commit(writes);
    } finally {
      this.finish(txn);
    }
  }

  close(): void {
    clearInterval(this.sweeper);
    for (const txn of this.byId.values()) this.abort(txn, 'Server shutting down.');
  }

  private readsUnchanged(txn: Transaction): boolean {
    for (const [name, updateTime] of txn.reads) if (this.store.get(name)?.updateTime !== updateTime) return false;
    return txn.queries.every((q) => signature(q.run()) === q.seen);
  }

  private ensureActive(txn: Transaction): void {
    if (txn.state === 'aborted') throw aborted(txn.abortReason);
  }

  private abort(txn: Transaction, reason: string): void {
    if (txn.state !== 'active') return;
    txn.state = 'aborted';
    txn.abortReason = reason;
    this.locks.releaseAll(txn, aborted(reason));
  }

  /** Aborted transactions stay 'aborted' so later calls keep answering ABORTED. */
  private finish(txn: Transaction): void {
    if (txn.state !== 'active') return;
    txn.state = 'finished';
    this.locks.releaseAll(txn, aborted('Transaction finished.'));
  }

  /** Aborts idle transactions (their client is gone) and forgets ended ones. */
  private sweep(): void {
    const cutoff = Date.now() - this.settings.idleMs;
    for (const [key, txn] of this.byId) {
      if (txn.lastUsed >= cutoff) continue;
      if (txn.state === 'active' && txn.waits.size === 0) this.abort(txn, 'Transaction expired (idle).');
      else if (txn.state !== 'active') this.byId.delete(key);
    }
  }
}

function signature(docs: StoredDocument[]): string {
  return docs.map((d) => `${d.name}@${d.updateTime}`).join('\n');
}
