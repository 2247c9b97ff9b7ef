// Read locks of read-write transactions, and writes that wait for them: the official emulator's
// pessimistic concurrency. A transactional read locks each document it returns or finds missing; a
// transactional query locks its whole scope (every document of its collection, or of its collection
// group), whatever it matched. Reads never wait. A write proceeds once no other transaction holds a
// lock covering a document it writes, or fails after `waitMs` with ABORTED "Transaction lock
// timeout.". There are no priorities and no deadlock detection: two transactions waiting for each
// other both time out, as on the emulator.
import { aborted } from "./errors";

export interface LockHolder {
  /** A holder that is no longer active stops waiting. */
  readonly active: boolean;
  readonly documents: Set<string>;
  /** Each answers whether a document name is inside one locked query scope. */
  readonly scopes: ((name: string) => boolean)[];
}

export class LockTable {
  private readonly holders = new Set<LockHolder>();
  private readonly sleepers = new Set<() => void>();

  constructor(private readonly waitMs: number) {}

  lockDocument(holder: LockHolder, name: string): void {
    holder.documents.add(name);
    this.holders.add(holder);
  }

  lockScope(holder: LockHolder, covers: (name: string) => boolean): void {
    holder.scopes.push(covers);
    this.holders.add(holder);
  }

  /**
   * Runs `write` once no holder but `writer` locks any of `names`: synchronously after the last
   * check, so that no lock can be taken in between.
   */
  async whenWritable<T>(names: string[], writer: LockHolder | undefined, write: () => T): Promise<T> {
    const deadline = Date.now() + this.waitMs;
    while ((writer?.active ?? true) && names.some((name) => this.lockedByOther(name, writer))) {
      const remaining = deadline - Date.now();
      if (remaining <= 0) throw aborted("Transaction lock timeout.");
      await this.untilRelease(remaining);
    }
    return write();
  }

  release(holder: LockHolder): void {
    holder.documents.clear();
    holder.scopes.length = 0;
    this.holders.delete(holder);
    for (const wake of [...this.sleepers]) wake();
  }

  private lockedByOther(name: string, writer: LockHolder | undefined): boolean {
    for (const holder of this.holders) {
      if (holder !== writer && (holder.documents.has(name) || holder.scopes.some((covers) => covers(name))))
        return true;
    }
    return false;
  }

  /** Resolves at the next release, or after `ms`. */
  private untilRelease(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const wake = () => {
        clearTimeout(timer);
        this.sleepers.delete(wake);
        resolve();
      };
      // A pending wait must not keep a closing process alive.
      const timer = setTimeout(wake, ms).unref();
      this.sleepers.add(wake);
    });
  }
}
