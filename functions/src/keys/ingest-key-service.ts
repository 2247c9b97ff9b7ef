/**
 * Ingest keys, a backend's recording credential: `aik_<key_id>_<secret>`, created by admins (shown
 * once, stored hashed), revocable. Every request reads the key's document, so a revocation takes
 * effect at the next request (no cache to outlive it).
 */
import type { Firestore } from "firebase-admin/firestore";
import type { CreateIngestKeyRequest, IngestKeySummary, RevokeIngestKeyRequest } from "@aideon-perf/core";
import { ingestKeyPrincipal, type Principal } from "../admission/principal";
import { errors } from "../errors";
import { COLLECTIONS } from "../firestore";
import { storedIngestKeyConverter } from "../stored/ingest-keys";
import { keyRecords } from "./key-records";
import { secretKeyFormat } from "./secret-key";

export const INGEST_KEYS = secretKeyFormat("aik");

export function ingestKeyService(deps: { db: Firestore; now: () => number }) {
  const collection = deps.db.collection(COLLECTIONS.ingestKeys).withConverter(storedIngestKeyConverter);
  const keys = keyRecords(deps, collection, INGEST_KEYS);

  return {
    async create(adminUid: string, req: CreateIngestKeyRequest) {
      const { id, key } = await keys.create(adminUid, (record) => ({
        name: req.name,
        trusted: req.trusted ?? true,
        ...record,
      }));
      return { success: true as const, key_id: id, name: req.name, key };
    },

    async revoke(req: RevokeIngestKeyRequest) {
      await keys.revoke(req.key_id, () => errors.ingestKeyNotFound(req.key_id));
      return { success: true as const, key_id: req.key_id, revoked: true as const };
    },

    /** Every key, newest first, without secrets (an admin's list: a project has a handful). */
    async list() {
      const snap = await collection.orderBy("created_at", "desc").get();
      const summaries = snap.docs.map((d): IngestKeySummary => {
        const k = d.data();
        return {
          key_id: d.id,
          name: k.name,
          trusted: k.trusted,
          created_at: k.created_at.toDate().toISOString(),
          created_by: k.created_by,
          revoked_at: k.revoked_at ? k.revoked_at.toDate().toISOString() : null,
        };
      });
      return { success: true as const, keys: summaries };
    },

    /** The principal a bearer key records as; any malformed, unknown, wrong or revoked key is the same 401. */
    async authenticate(bearer: string): Promise<Principal> {
      const live = await keys.live(bearer);
      if (!live) throw errors.ingestKeyRejected();
      return ingestKeyPrincipal(live.id, live.record.trusted);
    },
  };
}

export type IngestKeyService = ReturnType<typeof ingestKeyService>;
