/**
 * `perf_rate_limits` (RATE_LIMITS_COLLECTION in rest/rate-limit.ts): one counter per user and window,
 * at `{hash(uid)}-{window}`, holding how many requests of the window are leased to instances.
 */
import * as z from "zod";
import { storedConverter, timestampSchema } from "./stored-document";
import { schemaBlocks } from "@aideon-perf/core";

const { count } = schemaBlocks;

export const storedRateLimitSchema = z.object({
  uid: z.string(),
  /** Requests of the window granted so far, over every lease. */
  count,
  window_start: timestampSchema,
  /** The window's end plus an hour (TTL). */
  expire_at: timestampSchema,
});

export type StoredRateLimit = z.output<typeof storedRateLimitSchema>;

export const storedRateLimitConverter = storedConverter(storedRateLimitSchema);
