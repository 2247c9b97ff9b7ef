/**
 * The aggregate collections: `perf_agg_shards` (per minute and shard, written by the triggers),
 * `perf_agg_rollups` (per type and bucket) and `perf_agg_name_rollups` (per name and bucket), both
 * written by the fold, `perf_agg_folds` (one per folded minute: the seal triggers respect and the
 * fold's progress), and `perf_agg_names` (the name registry). They hold the statistics of trace-stats.ts.
 */
import * as z from "zod";
import { attributesSchema, schemaBlocks, storedTraceNameSchema, traceTypeSchema } from "@aideon-perf/core";
import { ROLLUP_LEVELS } from "../aggregation/shards";
import { storedConverter, timestampSchema } from "./stored-document";

const { count, nonNegative } = schemaBlocks;

const sketchSchema = z.object({ zero: count, bins: z.record(z.string(), count) });

const traceStatsSchema = z.object({
  count,
  sum: z.number(),
  min: z.number().nullable(),
  max: z.number().nullable(),
  sketch: sketchSchema,
  slow: count,
  abandoned: count,
});

const slowSampleSchema = z.object({
  name: storedTraceNameSchema,
  duration: nonNegative,
  threshold: z.number(),
  end_ms: z.number(),
  server_ms: z.number(),
  attributes: attributesSchema,
});

const nameStatsFields = { name: storedTraceNameSchema, trace_type: traceTypeSchema, stats: traceStatsSchema };

const nameStatsSchema = z.object(nameStatsFields);

/** A name's slow samples in a shard, kept apart from its statistics (see aggregation/shard-layout.ts). */
export const storedSlowSamplesSchema = z.object({
  trace_type: traceTypeSchema,
  samples: z.array(slowSampleSchema),
});

const typesSchema = z.partialRecord(traceTypeSchema, traceStatsSchema);

const granularitySchema = z.enum(ROLLUP_LEVELS);

/** Absent on the all-time rollups, which never expire. */
const expireAtField = { expire_at: timestampSchema.optional() };

/** open: triggers write it; folded: in the rollups; set_aside: its minute's fold failed for good (see perf_dead_letters). */
export const SHARD_STATES = ["open", "folded", "set_aside"] as const;

export const storedShardSchema = z.object({
  minute: z.string(),
  minute_start: z.number().int(),
  shard: z.number().int().min(0),
  state: z.enum(SHARD_STATES),
  types: typesSchema,
  /**
   * The traces that count for health (admission/health-sources.ts), per type. Defaults to none: an empty
   * map is left out of a projection (select) by the emulator, and documents written before it lack it.
   */
  health: typesSchema.default({}),
  names: z.record(z.string(), nameStatsSchema),
  other: z.partialRecord(traceTypeSchema, nameStatsSchema),
  /** Slow samples by name key (each type's `(other)` under nameKey(type, "(other)")). */
  slow: z.record(z.string(), storedSlowSamplesSchema).default({}),
  refused: z.partialRecord(traceTypeSchema, z.array(z.string())),
  refused_overflow: z.array(traceTypeSchema),
  samples_dropped: count,
  late: count,
  ...expireAtField,
});
export type StoredShard = z.output<typeof storedShardSchema>;
export const storedShardConverter = storedConverter(storedShardSchema);

const typeBudgetSchema = z.object({ other_count: count, names_over_budget: count });

export const storedRollupSchema = z.object({
  granularity: granularitySchema,
  bucket: z.string(),
  types: typesSchema,
  health: typesSchema.default({}),
  /** Per type with names over its budget: traces in `(other)` and name-minutes folded into it. */
  budget: z.partialRecord(traceTypeSchema, typeBudgetSchema),
  ...expireAtField,
});
export type StoredRollup = z.output<typeof storedRollupSchema>;
export const storedRollupConverter = storedConverter(storedRollupSchema);

export const storedNameRollupSchema = z.object({
  granularity: granularitySchema,
  bucket: z.string(),
  key: z.string(),
  ...nameStatsFields,
  ...expireAtField,
});
export type StoredNameRollup = z.output<typeof storedNameRollupSchema>;
export const storedNameRollupConverter = storedConverter(storedNameRollupSchema);

/** folding: sealed (triggers send late events to a later minute), being applied; done; set_aside after repeated failure. */
export const FOLD_STATES = ["folding", "done", "set_aside"] as const;

export const storedFoldSchema = z.object({
  minute: z.string(),
  minute_start: z.number().int(),
  state: z.enum(FOLD_STATES),
  attempts: count,
  /** The last failure, without stack. */
  reason: z.string().nullable(),
  shards: count,
  traces: count,
  names: count,
  slow_records: count,
  late: count,
  samples_dropped: count,
  sealed_at: timestampSchema,
  done_at: timestampSchema.nullable(),
  expire_at: timestampSchema,
});
export type StoredFold = z.output<typeof storedFoldSchema>;
export const storedFoldConverter = storedConverter(storedFoldSchema);

export const storedNameRegistrySchema = z.object({
  key: z.string(),
  name: storedTraceNameSchema,
  trace_type: traceTypeSchema,
  first_seen: timestampSchema,
  last_seen: timestampSchema,
  expire_at: timestampSchema,
});
export type StoredNameRegistry = z.output<typeof storedNameRegistrySchema>;
export const storedNameRegistryConverter = storedConverter(storedNameRegistrySchema);
