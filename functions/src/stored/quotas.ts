/**
 * `perf_quotas`: the recording quotas' counters. Per principal a minute and a day document, per
 * minute PROJECT_QUOTA_SHARDS project documents, per day one project document of refusals. Instances
 * lease units from them in transactions (admission/quota-store.ts); every document expires by TTL.
 */
import * as z from "zod";
import { PRINCIPAL_KINDS } from "../admission/principal";
import { storedConverter, timestampSchema } from "./stored-document";
import { schemaBlocks } from "@aideon-perf/core";

const { count } = schemaBlocks;

const principalFields = { principal: z.string(), principal_kind: z.enum(PRINCIPAL_KINDS) };

export const storedQuotaSchema = z.discriminatedUnion("kind", [
  z.object({
    kind: z.literal("principal_minute"),
    ...principalFields,
    window_start: timestampSchema,
    used: count,
    leases: count,
    expire_at: timestampSchema,
  }),
  z.object({
    kind: z.literal("principal_day"),
    ...principalFields,
    day: z.string(),
    used: count,
    leases: count,
    refused: count,
    /** Times refusals were written: what refused calls cost, 2 document writes each. */
    refusal_writes: count.optional(),
    expire_at: timestampSchema,
  }),
  z.object({
    kind: z.literal("project_minute"),
    window_start: timestampSchema,
    shard: count,
    used: count,
    leases: count,
    expire_at: timestampSchema,
  }),
  z.object({ kind: z.literal("project_day"), day: z.string(), refused: count, expire_at: timestampSchema }),
  /** A capped principal's hour of health contributions (admission/health-sources.ts). */
  z.object({
    kind: z.literal("principal_health_hour"),
    ...principalFields,
    window_start: timestampSchema,
    traces: count,
    slow: count,
    expire_at: timestampSchema,
  }),
]);

export type StoredQuota = z.output<typeof storedQuotaSchema>;

export const storedQuotaConverter = storedConverter(storedQuotaSchema);
