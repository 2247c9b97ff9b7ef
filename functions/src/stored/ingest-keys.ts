/** `perf_ingest_keys`: one document per ingest key, at its key id: name, trust and the secret's hash (never the key). */
import * as z from "zod";
import { createIngestKeyRequestSchema } from "@aideon-perf/core";
import { storedConverter, timestampSchema } from "./stored-document";

export const storedIngestKeySchema = z.object({
  name: createIngestKeyRequestSchema.shape.name,
  /** Its traces steer health as a trusted source (admission/health-sources.ts). */
  trusted: z.boolean(),
  /** SHA-256 of the key's secret, hex (keys/secret-key.ts). */
  secret_hash: z.string().regex(/^[0-9a-f]{64}$/, "must be a hex SHA-256"),
  created_at: timestampSchema,
  /** The admin's uid. */
  created_by: z.string(),
  /** Set once by revokeIngestKey; a revoked key authenticates nothing from then on. */
  revoked_at: timestampSchema.nullable(),
});

export type StoredIngestKey = z.output<typeof storedIngestKeySchema>;

export const storedIngestKeyConverter = storedConverter(storedIngestKeySchema);
