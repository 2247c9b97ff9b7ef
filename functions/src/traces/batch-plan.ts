import { createHash } from "node:crypto";

/**
 * A batch chunk document must stay under Firestore's 1 MiB document limit. A full batch (500 traces of 32
 * attributes of 100 chars) is ~2 MB, so large batches are split into chunks. The JSON size used to
 * measure is an approximation of Firestore's size rules; halving the limit leaves room for the
 * difference (Firestore stores each number in 8 bytes where JSON may use 1).
 */
export const MAX_CHUNK_BYTES = 512 * 1024;

/**
 * The idempotency key of a batch: the client's batch_id scoped to its user, so that two users who
 * happen to pick the same batch_id never swallow each other's traces. Hashed to a fixed-length,
 * always-valid document id whatever characters the uid holds.
 */
export function batchKey(uid: string, batchId: string): string {
  return createHash("sha256").update(uid).update("\n").update(batchId).digest("hex");
}

export function chunkDocumentId(key: string, index: number): string {
  return `${key}-${index}`;
}

/** Splits traces in order into the fewest consecutive chunks whose JSON sizes stay within maxBytes. */
export function chunkBySize<T>(items: readonly T[], maxBytes = MAX_CHUNK_BYTES): T[][] {
  const chunks: T[][] = [];
  let current: T[] = [];
  let currentBytes = 0;
  for (const item of items) {
    const bytes = Buffer.byteLength(JSON.stringify(item));
    if (current.length > 0 && currentBytes + bytes > maxBytes) {
      chunks.push(current);
      current = [];
      currentBytes = 0;
    }
    current.push(item);
    currentBytes += bytes;
  }
  if (current.length > 0) chunks.push(current);
  return chunks;
}
