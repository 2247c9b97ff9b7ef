// Read-write transactions with strict two-phase locking, like the official emulator: transactional
// reads take read locks (see locks.ts) held until commit, rollback, abort or idle expiry, and every
// write, inside a transaction or not, waits for the locks of other transactions on what it writes.
// Nothing a running transaction has read can change under it, so a commit needs no validation.
// Read-only transactions take no locks.
import { randomBytes } from "crypto";
import type { Write, TransactionOptions } from "./proto";
import { aborted, invalidArgument, RpcError, unimplemented } from "./errors";
import { LockTable, type LockHolder } from "./locks";
import type { CommitOutcome, Store } from "./store";
import type { StoredDocument } from "./document";
import { writeTarget } from "./writes";

export class Transaction implements LockHolder {
  readonly documents = new Set<string>();
  readonly scopes: ((name: string) => boolean)[] = [];
  state: "active" | "aborted" | "finished" = "active";
  abortReason = "";
  lastUsed = Date.now();

  constructor(
    readonly id: Buffer,
    readonly database: string,
    readonly readOnly: boolean,
  ) {}

  get active(): boolean {
    return this.state === "active";
  }
}

export interface TransactionSettings {
  lockWaitMs: number;
  idleMs: number;
}

export class Transactions {
  private readonly byId = new Map<string, Transaction>();
  private readonly locks: LockTable;
  private readonly sweeper: NodeJS.Timeout;

  constructor(
    private readonly store: Store,
    private readonly settings: TransactionSettings,
  ) {
    this.locks = new LockTable(settings.lockWaitMs);
    this.sweeper = setInterval(() => this.sweep(), 1000);
    this.sweeper.unref();
  }

  /** A retry (read_write.retry_transaction) ends the attempt it replaces. */
  begin(database: string, options: TransactionOptions | undefined): Transaction {
    if (options?.readOnly?.readTime) {
      throw unimplemented(
        "local-firestore keeps no history: read-only transactions at a read_time are not supported.",
      );
    }
    const retried = options?.readWrite?.retryTransaction?.length
      ? this.byId.get(Buffer.from(options.readWrite.retryTransaction).toString("hex"))
      : undefined;
    if (retried) this.abort(retried, "Superseded by its retry.");
    const txn = new Transaction(randomBytes(16), database, !!options?.readOnly);
    this.byId.set(txn.id.toString("hex"), txn);
    return txn;
  }

  /** The active transaction with this id; ABORTED if it was aborted, INVALID_ARGUMENT if unknown. */
  find(database: string, id: Uint8Array): Transaction {
    const txn = this.byId.get(Buffer.from(id).toString("hex"));
    if (!txn || txn.database !== database || txn.state === "finished") {
      // The client SDK retries INVALID_ARGUMENT only when the message says "transaction has expired".
      throw invalidArgument("The transaction has expired or is not valid (transaction has expired).");
    }
    txn.lastUsed = Date.now();
    this.ensureActive(txn);
    return txn;
  }

  /** Ends the transaction if it is still running; rolling back an ended one is a no-op. */
  rollback(database: string, id: Uint8Array): void {
    const txn = this.byId.get(Buffer.from(id).toString("hex"));
    if (!txn || txn.database !== database)
      throw invalidArgument("The transaction has expired or is not valid.");
    this.finish(txn);
  }

  /** Reads documents under the transaction, locking each name (a missing document too). */
  readDocuments(txn: Transaction, names: string[]): (StoredDocument | undefined)[] {
    if (!txn.readOnly) for (const name of names) this.locks.lockDocument(txn, name);
    return names.map((name) => this.store.get(name));
  }

  /** Runs a query under the transaction, locking every document its scope covers. */
  readQuery(
    txn: Transaction,
    covers: (name: string) => boolean,
    run: () => StoredDocument[],
  ): StoredDocument[] {
    if (!txn.readOnly) this.locks.lockScope(txn, covers);
    return run();
  }

  /** Applies the writes once other transactions' locks allow; a lock timeout aborts the transaction. */
  async commit(txn: Transaction, writes: Write[]): Promise<CommitOutcome> {
    if (txn.readOnly && writes.length > 0) throw invalidArgument("Cannot write in a read-only transaction.");
    try {
      return await this.locks.whenWritable(writes.map(writeTarget), txn, () => {
        this.ensureActive(txn);
        try {
          return this.store.commit(writes);
        } finally {
          this.finish(txn);
        }
      });
    } catch (err) {
      if (err instanceof RpcError) this.abort(txn, err.message);
      throw err;
    }
  }

  /** A write outside any transaction: it waits for the locks of running transactions. */
  write(writes: Write[]): Promise<CommitOutcome> {
    return this.locks.whenWritable(writes.map(writeTarget), undefined, () => this.store.commit(writes));
  }

  close(): void {
    clearInterval(this.sweeper);
    for (const txn of this.byId.values()) this.abort(txn, "Server shutting down.");
  }

  private ensureActive(txn: Transaction): void {
    if (txn.state === "aborted") throw aborted(txn.abortReason);
  }

  private abort(txn: Transaction, reason: string): void {
    if (txn.state !== "active") return;
    txn.state = "aborted";
    txn.abortReason = reason;
    this.locks.release(txn);
  }

  /** Aborted transactions stay 'aborted' so later calls keep answering ABORTED. */
  private finish(txn: Transaction): void {
    if (txn.state !== "active") return;
    txn.state = "finished";
    this.locks.release(txn);
  }

  /** Aborts idle transactions (their client is gone) and forgets ended ones. */
  private sweep(): void {
    const cutoff = Date.now() - this.settings.idleMs;
    for (const [key, txn] of this.byId) {
      if (txn.lastUsed >= cutoff) continue;
      if (txn.state === "active") this.abort(txn, "Transaction expired (idle).");
      else this.byId.delete(key);
    }
  }
}
