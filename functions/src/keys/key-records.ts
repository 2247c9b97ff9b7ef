/**
 * What agent keys and ingest keys share as Firestore records: a document per key id holding the
 * secret's hash and `revoked_at`. Authenticating reads the one document; revoking sets revoked_at once.
 */
import { Timestamp, type CollectionReference, type Firestore } from "firebase-admin/firestore";
import { hashSecret, secretMatches, type SecretKeyFormat } from "./secret-key";

interface KeyRecord {
  secret_hash: string;
  revoked_at: Timestamp | null;
}

/** The record a bearer key belongs to, or null for a malformed, unknown, wrong or revoked key (one answer for all). */
export async function liveKeyRecord<T extends KeyRecord>(
  keys: CollectionReference<T>,
  format: SecretKeyFormat,
  bearer: string | undefined,
): Promise<{ id: string; record: T } | null> {
  const parsed = bearer ? format.parse(bearer) : null;
  if (!parsed) return null;
  const record = (await keys.doc(parsed.id).get()).data();
  if (!record || record.revoked_at || !secretMatches(parsed.secret, record.secret_hash)) return null;
  return { id: parsed.id, record };
}

/** Sets `revoked_at` on the key's record unless already set; throws `missing()` for an unknown id. */
export async function revokeKeyRecord<T extends KeyRecord>(
  db: Firestore,
  keys: CollectionReference<T>,
  id: string,
  nowMs: number,
  missing: () => Error,
): Promise<void> {
  await db.runTransaction(async (tx) => {
    const ref = keys.doc(id);
    const stored = (await tx.get(ref)).data();
    if (!stored) throw missing();
    if (!stored.revoked_at) tx.update(ref.withConverter(null), { revoked_at: Timestamp.fromMillis(nowMs) });
  });
}

/** A new key's record fields: the secret's hash, its maker and time, not revoked. */
export const newKeyRecord = (secret: string, createdBy: string, nowMs: number) => ({
  secret_hash: hashSecret(secret),
  created_at: Timestamp.fromMillis(nowMs),
  created_by: createdBy,
  revoked_at: null,
});
