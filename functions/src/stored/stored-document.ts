/**
 * One converter per collection: the stored shape is declared once as a zod schema, its type is what
 * writers must produce, and every read validates, so a document that drifted from the shape fails
 * loudly by collection, document and field instead of flowing on through a cast.
 */
import {
  Timestamp,
  type DocumentSnapshot,
  type FirestoreDataConverter,
  type QueryDocumentSnapshot,
} from "firebase-admin/firestore";
import * as z from "zod";

/** Firestore returns every stored Date as a Timestamp; writers store Timestamps so reads and writes agree. */
export const timestampSchema = z.instanceof(Timestamp, { message: "must be a Firestore Timestamp" });

export class StoredDocumentError extends Error {
  constructor(
    readonly documentPath: string,
    readonly field: string,
    detail: string,
  ) {
    super(`stored document ${documentPath} does not match its schema: ${field || "(document)"}: ${detail}`);
    this.name = "StoredDocumentError";
  }
}

/** Validates a document read from `snapshot` against `schema`, naming the first field that does not match. */
export function parseStored<S extends z.ZodType>(schema: S, snapshot: QueryDocumentSnapshot): z.output<S> {
  const result = schema.safeParse(snapshot.data());
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  throw new StoredDocumentError(snapshot.ref.path, issue.path.join("."), issue.message);
}

/** A collection's converter, plus `parse` for snapshots read without it (one getAll spanning collections). */
export interface StoredConverter<T> extends FirestoreDataConverter<T> {
  /** The validated document, or undefined if it does not exist. */
  parse(snapshot: DocumentSnapshot): T | undefined;
}

/** The converter of one collection's documents: written as the schema's type, read back validated. */
export function storedConverter<S extends z.ZodType<Record<string, unknown>>>(
  schema: S,
): StoredConverter<z.output<S>> {
  return {
    toFirestore: (doc) => doc,
    fromFirestore: (snapshot) => parseStored(schema, snapshot),
    parse: (snapshot) =>
      snapshot.exists ? parseStored(schema, snapshot as QueryDocumentSnapshot) : undefined,
  };
}
