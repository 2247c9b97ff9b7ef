import { Timestamp } from "firebase-admin/firestore";

/**
 * The `expire_at` of a document kept `keepMs` after `fromMs`, a server time (receive, stop, commit or
 * the end of a window), never a client one. Firestore's TTL policy on expire_at deletes the document
 * some time after (docs/operations.md); every expiring document gets its expire_at from here.
 */
export function expireAt(fromMs: number, keepMs: number): Timestamp {
  return Timestamp.fromMillis(fromMs + keepMs);
}
