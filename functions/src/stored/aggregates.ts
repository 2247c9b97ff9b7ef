/**
 * The aggregate collections: `perf_agg_shards` (per minute and shard, written by the triggers),
 * `perf_agg_rollups` (per type and bucket) and `perf_agg_name_rollups` (per name and bucket), both
 * written by the fold. All three hold the statistics of trace-stats.ts.
 */
import * as z from "zod";
import { traceNameSchema, traceTypeSchema } from "@aideon-perf/core";
import { ROLLUP_LEVELS } from "../aggregation/shards";
import { storedConverter, timestampSchema } from "./stored-document";

const countSchema = z.number().int().min(0);

const sketchSchema = z.object({ zero: countSchema, bins: z.record(z.string(), countSchema) });

const traceStatsSchema = z.object({
  count: countSchema,
  sum: z.number(),
  min: z.number().nullable(),
  max: z.number().nullable(),
  sketch: sketchSchema,
  slow: countSchema,
  abandoned: countSchema,
});

const nameStatsFields = { name: traceNameSchema, trace_type: traceTypeSchema, stats: traceStatsSchema };

const typeStatsFields = {
  types: z.partialRecord(traceTypeSchema, traceStatsSchema),
  names_dropped: countSchema,
};

const granularitySchema = z.enum(ROLLUP_LEVELS);

/** Absent on the all-time rollups, which never expire. */
const expireAtField = { expire_at: timestampSchema.optional() };

export const storedShardSchema = z.object({
  minute: z.string(),
  minute_start: z.number().int(),
  shard: z.number().int().min(0),
  folded: z.boolean(),
  ...typeStatsFields,
  names: z.record(z.string(), z.object(nameStatsFields)),
  ...expireAtField,
});

export const storedRollupSchema = z.object({
  granularity: granularitySchema,
  bucket: z.string(),
  ...typeStatsFields,
  ...expireAtField,
});

export const storedNameRollupSchema = z.object({
  granularity: granularitySchema,
  bucket: z.string(),
  key: z.string(),
  ...nameStatsFields,
  ...expireAtField,
});

export type StoredShard = z.output<typeof storedShardSchema>;
export type StoredRollup = z.output<typeof storedRollupSchema>;
export type StoredNameRollup = z.output<typeof storedNameRollupSchema>;

export const storedShardConverter = storedConverter(storedShardSchema);
export const storedRollupConverter = storedConverter(storedRollupSchema);
export const storedNameRollupConverter = storedConverter(storedNameRollupSchema);
