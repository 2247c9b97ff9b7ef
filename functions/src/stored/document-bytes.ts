/**
 * Firestore's documented storage size of a value (https://firebase.google.com/docs/firestore/storage-size):
 * strings are UTF-8 bytes + 1, numbers, timestamps 8, booleans and null 1, a map the sum of its field
 * names (+1) and values, an array the sum of its values. Writers use it to keep documents under the
 * 1 MiB limit and commits under 10 MiB before Firestore refuses them.
 */
import { Timestamp } from "firebase-admin/firestore";

/** Firestore's limit on one document. */
export const MAX_DOCUMENT_BYTES = 1_048_576;
/** Firestore's limit on one commit (transaction or write batch) request. */
export const MAX_COMMIT_BYTES = 10 * 1_048_576;

export const stringBytes = (s: string): number => Buffer.byteLength(s, "utf8") + 1;

export function storedBytes(value: unknown): number {
  if (value === null || value === undefined || typeof value === "boolean") return 1;
  if (typeof value === "number" || value instanceof Timestamp || value instanceof Date) return 8;
  if (typeof value === "string") return stringBytes(value);
  if (Array.isArray(value)) return value.reduce((sum: number, v) => sum + storedBytes(v), 0);
  if (typeof value === "object") {
    let size = 0;
    for (const [key, v] of Object.entries(value))
      if (v !== undefined) size += stringBytes(key) + storedBytes(v);
    return size;
  }
  throw new TypeError(`no Firestore storage size for a ${typeof value}`);
}

/** A document's size: its name (collection and id segments + 16), its fields, and 32 bytes. */
export function documentBytes(path: string, fields: Record<string, unknown>): number {
  return path.split("/").reduce((sum, segment) => sum + stringBytes(segment), 16) + storedBytes(fields) + 32;
}
