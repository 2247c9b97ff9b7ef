/** The fields every key record holds (perf_agent_keys, perf_ingest_keys): the secret's hash and who made it when. */
import * as z from "zod";
import { timestampSchema } from "./stored-document";

export const keyRecordShape = {
  /** SHA-256 of the key's secret, hex (keys/secret-key.ts); never the key. */
  secret_hash: z.string().regex(/^[0-9a-f]{64}$/, "must be a hex SHA-256"),
  created_at: timestampSchema,
  /** The admin's uid (or "admin-cli"). */
  created_by: z.string(),
  /** Set once by the revoke call; a revoked key authenticates nothing from then on. */
  revoked_at: timestampSchema.nullable(),
};
