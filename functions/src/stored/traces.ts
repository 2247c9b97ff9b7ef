/** `perf_traces`: one document per server-tracked trace (startTrace / stopTrace / addMetric). */
import * as z from "zod";
import {
  attributesSchema,
  metricsSchema,
  schemaBlocks,
  storedTraceNameSchema,
  traceTypeSchema,
} from "@aideon-perf/core";
import { storedConverter, timestampSchema } from "./stored-document";

const { nonNegative } = schemaBlocks;

/** What every stored trace holds, server-tracked here or client-measured in a batch chunk. */
export const storedTraceCommonFields = {
  /** Read with the older name rules: a document written before the printable rule still reads back. */
  name: storedTraceNameSchema,
  trace_type: traceTypeSchema,
  attributes: attributesSchema,
  metrics: metricsSchema,
  /** The ingest key that recorded it (owner_uid is then `ingest-key:<id>`). */
  ingest_key_id: z.string().optional(),
  /** false: left out of the health statistics (its principal does not count, or is past its cap). */
  health: z.literal(false).optional(),
};

export const storedTraceSchema = z.object({
  ...storedTraceCommonFields,
  status: z.enum(["active", "finished", "abandoned"]),
  owner_uid: z.string(),
  start_time: timestampSchema,
  /** Set when the trace stops or is abandoned. */
  end_time: timestampSchema.nullable(),
  /** Server-clock seconds, set only by stopTrace (not bounded by the wire limit: the server measured it). */
  duration: nonNegative.nullable(),
  expire_at: timestampSchema,
  /** False when written; set, with the aggregate writes, once the trace is in the statistics. */
  aggregated: z.boolean(),
  /** Set when aggregating it failed for good (its dead letter says why), so the sweeper passes it by. */
  dead_letter: z.boolean(),
});

export type StoredTrace = z.output<typeof storedTraceSchema>;

export const storedTraceConverter = storedConverter(storedTraceSchema);
