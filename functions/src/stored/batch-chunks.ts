/**
 * `perf_trace_batches`: client-measured traces in batch chunks, the stored part of a recordTraces batch:
 * one chunk per batch, more when the batch exceeds a chunk's size (traces/batch-plan.ts).
 */
import * as z from "zod";
import { documentIdSchema, durationSchema, schemaBlocks } from "@aideon-perf/core";
import { storedConverter, timestampSchema } from "./stored-document";
import { storedTraceCommonFields } from "./traces";

const { count } = schemaBlocks;

export const storedChunkTraceSchema = z.object({
  ...storedTraceCommonFields,
  /** The client's start time clamped to the receive time within the allowed skew. */
  start_time: timestampSchema,
  /** Only on a clamped trace: what the client's clock said. */
  client_start_time: timestampSchema.optional(),
  duration: durationSchema,
});

export const storedBatchChunkSchema = z.object({
  batch_id: documentIdSchema,
  owner_uid: z.string(),
  chunk: z.number().int().min(0),
  chunk_count: z.number().int().min(1),
  /** Traces in the whole batch, over all its chunks. */
  trace_count: count,
  traces: z.array(storedChunkTraceSchema),
  clamped_start_times: count,
  received_at: timestampSchema,
  expire_at: timestampSchema,
  /** False when written; set, with the aggregate writes, once the chunk is in the statistics. */
  aggregated: z.boolean(),
  /** Set when aggregating it failed for good (its dead letter says why), so the sweeper passes it by. */
  dead_letter: z.boolean(),
});

export type StoredChunkTrace = z.output<typeof storedChunkTraceSchema>;
export type StoredBatchChunk = z.output<typeof storedBatchChunkSchema>;

export const storedBatchChunkConverter = storedConverter(storedBatchChunkSchema);
