// Exclusive document locks with bounded waits and wound-wait deadlock avoidance: an older owner
// asking for a lock held by a younger one aborts ("wounds") the younger; a younger owner waits.
// A freed lock goes to its oldest waiter, so the holder is never younger than a queued waiter.
import type { RpcError } from './errors';

export interface LockOwner {
  /** Smaller is older. */
  readonly age: number;
  readonly held: Set<string>;
  readonly waits: Set<Waiter>;
}

export interface Waiter {
  readonly owner: LockOwner;
  readonly name: string;
  readonly grant: () => void;
  readonly fail: (err: RpcError) => void;
  readonly timer: NodeJS.Timeout;
}

interface Lock {
  holder: LockOwner;
  waiters: Waiter[];
}

export class LockTable {
  private readonly locks = new Map<string, Lock>();

  constructor(
    private readonly waitMs: number,
    /** Must end the owner (releaseAll) when called. */
    private readonly wound: (victim: LockOwner) => void,
    private readonly timedOut: (owner: LockOwner) => void,
  ) {}

  acquire(owner: LockOwner, name: string): Promise<void> {
    const lock = this.locks.get(name);
    if (!lock) {
      this.locks.set(name, { holder: owner, waiters: [] });
      owner.held.add(name);
      return Promise.resolve();
    }
    if (lock.holder === owner) return Promise.resolve();
    return new Promise((grant, fail) => {
      const waiter: Waiter = { owner, name, grant, fail, timer: setTimeout(() => this.timedOut(owner), this.waitMs) };
      lock.waiters.push(waiter);
      owner.waits.add(waiter);
      if (owner.age < lock.holder.age) this.wound(lock.holder);
    });
  }

  /** Frees the owner's locks (handing each to its oldest waiter) and fails its pending waits. */
  releaseAll(owner: LockOwner, reason: RpcError): void {
    for (const waiter of owner.waits) {
      clearTimeout(waiter.timer);
      const lock = this.locks.get(waiter.name);
      if (lock) lock.waiters = lock.waiters.filter((w) => w !== waiter);
      waiter.fail(reason);
    }
    owner.waits.clear();
    for (const name of owner.held) this.release(name);
    owner.held.clear();
  }

  private release(name: string): void {
    const lock = this.locks.get(name)!;
    if (lock.waiters.length === 0) {
      this.locks.delete(name);
      return;
    }
    const next = lock.waiters.reduce((oldest, w) => (w.owner.age < oldest.owner.age ? w : oldest));
    lock.waiters = lock.waiters.filter((w) => w !== next);
    clearTimeout(next.timer);
    next.owner.waits.delete(next);
    lock.holder = next.owner;
    next.owner.held.add(name);
    next.grant();
  }
}
