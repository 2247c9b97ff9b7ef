/**
 * Dead letters: work that failed for good is recorded with its reason and set aside, instead of being
 * retried without end or dropped. Health counts the open ones; a successful re-run resolves them.
 */
import { createHash } from "node:crypto";
import { Timestamp, type Firestore } from "firebase-admin/firestore";
import { DAY_MS } from "@aideon-perf/core";
import { COLLECTIONS } from "../firestore";
import { logEvent } from "../observability/event-log";
import { StoredDocumentError } from "../stored/stored-document";
import {
  storedDeadLetterConverter,
  type DeadLetterKind,
  type StoredDeadLetter,
} from "../stored/dead-letters";
import { expireAt } from "../stored/expire-at";

/** Dead letters are kept this long (TTL on expire_at), counted from their last failure. */
export const DEAD_LETTER_RETENTION_MS = 30 * DAY_MS;
/** Open dead letters health reads at most; past it, it says "at least". */
export const DEAD_LETTERS_COUNTED = 100;

/** gRPC codes of Firestore errors that no retry can fix: the request itself is wrong. */
const PERMANENT_CODES = new Set([
  3 /* INVALID_ARGUMENT */, 5 /* NOT_FOUND */, 9 /* FAILED_PRECONDITION */, 11 /* OUT_OF_RANGE */,
]);

/**
 * Whether retrying cannot help: a stored document that does not match its schema, a value our own
 * pure code rejects (RangeError, TypeError), or a Firestore error about the request itself (a
 * document over 1 MiB, say). Contention, timeouts and unavailability are worth retrying.
 */
export function isPermanentFailure(err: unknown): boolean {
  if (err instanceof StoredDocumentError || err instanceof RangeError || err instanceof TypeError)
    return true;
  const code = (err as { code?: unknown })?.code;
  return typeof code === "number" && PERMANENT_CODES.has(code);
}

/** The reason kept for a failure: its message, never a stack. */
export const failureReason = (err: unknown): string =>
  (err instanceof Error ? `${err.name}: ${err.message}` : String(err)).slice(0, 1_000);

export function deadLetters(db: Firestore) {
  const letters = db.collection(COLLECTIONS.deadLetters).withConverter(storedDeadLetterConverter);
  const idOf = (kind: DeadLetterKind, subject: string) =>
    `${kind}_${createHash("sha256").update(subject).digest("hex").slice(0, 32)}`;

  return {
    /** Records one more failure of `subject`; returns the dead letter as it now stands. */
    async record(
      kind: DeadLetterKind,
      subject: string,
      reason: string,
      nowMs: number,
    ): Promise<StoredDeadLetter> {
      const ref = letters.doc(idOf(kind, subject));
      const letter = await db.runTransaction(async (tx) => {
        const previous = (await tx.get(ref)).data();
        const now = Timestamp.fromMillis(nowMs);
        const letter: StoredDeadLetter = {
          kind,
          subject,
          reason,
          attempts: (previous?.state === "open" ? previous.attempts : 0) + 1,
          first_failed_at: previous?.state === "open" ? previous.first_failed_at : now,
          last_failed_at: now,
          state: "open",
          resolved_at: null,
          expire_at: expireAt(nowMs, DEAD_LETTER_RETENTION_MS),
        };
        tx.set(ref, letter);
        return letter;
      });
      logEvent(
        "dead_letter",
        "ERROR",
        `Dead letter (${kind}): ${subject}: ${reason}`,
        { dead_letter_id: ref.id, kind, subject, reason, attempts: letter.attempts },
        { kind },
      );
      return letter;
    },

    /** Marks `subject`'s dead letter resolved, if it has one. */
    async resolve(kind: DeadLetterKind, subject: string, nowMs: number): Promise<boolean> {
      const ref = letters.doc(idOf(kind, subject));
      return db.runTransaction(async (tx) => {
        const letter = (await tx.get(ref)).data();
        if (letter?.state !== "open") return false;
        tx.update(ref, { state: "resolved", resolved_at: Timestamp.fromMillis(nowMs) });
        return true;
      });
    },

    async get(kind: DeadLetterKind, subject: string): Promise<StoredDeadLetter | undefined> {
      return (await letters.doc(idOf(kind, subject)).get()).data();
    },

    /** Open dead letters, newest failure first, at most `limit` (a bounded read, not a count of the collection). */
    async open(limit = DEAD_LETTERS_COUNTED): Promise<StoredDeadLetter[]> {
      const snap = await letters.where("state", "==", "open").limit(limit).get();
      return snap.docs
        .map((d) => d.data())
        .sort((a, b) => b.last_failed_at.toMillis() - a.last_failed_at.toMillis());
    },
  };
}

export type DeadLetters = ReturnType<typeof deadLetters>;
