/** `perf_agent_keys`: one document per agent key, at its agent id: host, label and the secret's hash (never the key). */
import * as z from "zod";
import { createAgentKeyRequestSchema, hostIdSchema } from "@aideon-perf/core";
import { storedConverter, timestampSchema } from "./stored-document";

export const storedAgentKeySchema = z.object({
  host_id: hostIdSchema,
  /** The label createAgentKey was given, null without one. */
  label: createAgentKeyRequestSchema.shape.label.unwrap().nullable(),
  /** SHA-256 of the key's secret, hex (keys/secret-key.ts). */
  secret_hash: z.string().regex(/^[0-9a-f]{64}$/, "must be a hex SHA-256"),
  created_at: timestampSchema,
  /** The admin's uid. */
  created_by: z.string(),
  /** Set once by revokeAgentKey; a revoked key authenticates nothing. */
  revoked_at: timestampSchema.nullable(),
});

export type StoredAgentKey = z.output<typeof storedAgentKeySchema>;

export const storedAgentKeyConverter = storedConverter(storedAgentKeySchema);
