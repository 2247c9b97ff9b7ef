/**
 * Wire schemas of the ingest-key admin APIs. An ingest key is a backend's recording credential
 * (`Authorization: Bearer aik_...`): it may only record, and each key is a principal of its own for
 * the quotas and the health sources.
 */
import * as z from "zod";
import { isoTime, success } from "./schema-blocks";

export const INGEST_KEY_NAME_MAX_LENGTH = 100;
/** A key's id (a Firestore auto id), agent and ingest keys alike: the part between the prefix and the secret. */
const KEY_ID = "[A-Za-z0-9]{20}";
export const KEY_ID_PATTERN = new RegExp(`^${KEY_ID}$`);

/**
 * A bearer key `<prefix>_<id>_<secret>`: a 20-character id and a 256-bit secret in base64url (43
 * characters). Agent keys use prefix `apk`, ingest keys `aik`; captures are the id and the secret.
 */
export const bearerKeyPattern = (prefix: string): RegExp =>
  new RegExp(`^${prefix}_(${KEY_ID})_([A-Za-z0-9_-]{43})$`);
export const INGEST_KEY_PATTERN = bearerKeyPattern("aik");

const keyIdSchema = z.string().regex(KEY_ID_PATTERN, "must be a key_id createIngestKey returned");

export const createIngestKeyRequestSchema = z.strictObject({
  name: z.string().trim().min(1).max(INGEST_KEY_NAME_MAX_LENGTH),
  /** Whether the key's traces steer health as a trusted source (HEALTH_SOURCES); default true: an admin made it. */
  trusted: z.boolean().optional(),
});

export const revokeIngestKeyRequestSchema = z.strictObject({ key_id: keyIdSchema });

export const listIngestKeysRequestSchema = z.strictObject({});

export const createIngestKeyResponseSchema = z.strictObject({
  success,
  key_id: z.string(),
  name: z.string(),
  /** Shown once: only a hash of its secret is stored. */
  key: z.string(),
});

export const revokeIngestKeyResponseSchema = z.strictObject({
  success,
  key_id: z.string(),
  revoked: z.literal(true),
});

export const ingestKeySummarySchema = z.strictObject({
  key_id: z.string(),
  name: z.string(),
  trusted: z.boolean(),
  created_at: isoTime,
  created_by: z.string(),
  revoked_at: isoTime.nullable(),
});

export const listIngestKeysResponseSchema = z.strictObject({
  success,
  keys: z.array(ingestKeySummarySchema),
});

export type CreateIngestKeyRequest = z.output<typeof createIngestKeyRequestSchema>;
export type RevokeIngestKeyRequest = z.output<typeof revokeIngestKeyRequestSchema>;
export type IngestKeySummary = z.output<typeof ingestKeySummarySchema>;
