/**
 * What agent keys and ingest keys share as Firestore records: a document per key id holding the
 * secret's hash and `revoked_at`. Creating writes the one document (the key is shown once, only its
 * hash is stored); authenticating reads it; revoking sets revoked_at once.
 */
import { Timestamp, type CollectionReference, type Firestore } from "firebase-admin/firestore";
import { hashSecret, secretMatches, type SecretKeyFormat } from "./secret-key";

interface KeyRecord {
  secret_hash: string;
  revoked_at: Timestamp | null;
}

/** A new key's record fields: the secret's hash, its maker and time, not revoked. */
const newKeyRecord = (secret: string, createdBy: string, nowMs: number) => ({
  secret_hash: hashSecret(secret),
  created_at: Timestamp.fromMillis(nowMs),
  created_by: createdBy,
  revoked_at: null,
});
type NewKeyRecord = ReturnType<typeof newKeyRecord>;

/** One kind of key: its records in `keys`, its keys shaped by `format`. */
export function keyRecords<T extends KeyRecord>(
  deps: { db: Firestore; now: () => number },
  keys: CollectionReference<T>,
  format: SecretKeyFormat,
) {
  return {
    /** Stores a new key's record, `document` adding the kind's own fields; returns the id and the key. */
    async create(
      createdBy: string,
      document: (record: NewKeyRecord) => T,
    ): Promise<{ id: string; key: string }> {
      const { id, secret, key } = format.create();
      await keys.doc(id).create(document(newKeyRecord(secret, createdBy, deps.now())));
      return { id, key };
    },

    /** Sets `revoked_at` on the key's record unless already set; throws `missing()` for an unknown id. */
    async revoke(id: string, missing: () => Error): Promise<void> {
      const nowMs = deps.now();
      await deps.db.runTransaction(async (tx) => {
        const ref = keys.doc(id);
        const stored = (await tx.get(ref)).data();
        if (!stored) throw missing();
        if (!stored.revoked_at)
          tx.update(ref.withConverter(null), { revoked_at: Timestamp.fromMillis(nowMs) });
      });
    },

    /** The record a bearer key belongs to, or null for a malformed, unknown, wrong or revoked key (one answer for all). */
    async live(bearer: string | undefined): Promise<{ id: string; record: T } | null> {
      const parsed = bearer ? format.parse(bearer) : null;
      if (!parsed) return null;
      const record = (await keys.doc(parsed.id).get()).data();
      if (!record || record.revoked_at || !secretMatches(parsed.secret, record.secret_hash)) return null;
      return { id: parsed.id, record };
    },
  };
}
