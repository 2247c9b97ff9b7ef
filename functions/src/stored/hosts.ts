/** `perf_hosts`: one document per host, at its host id: its latest sample, when it was seen, its push interval. */
import * as z from "zod";
import {
  hostIdSchema,
  hostMetricsPushRequestSchema,
  hostSampleSchema,
  revokeAgentKeyRequestSchema,
  schemaBlocks,
} from "@aideon-perf/core";
import { storedConverter, timestampSchema } from "./stored-document";

const { count } = schemaBlocks;

/** A host sample as pushed, but its timestamp stored as a Firestore Timestamp (queryable, typed). */
export const storedHostSampleSchema = z.object({ ...hostSampleSchema.shape, timestamp: timestampSchema });

export const storedHostSchema = z.object({
  host_id: hostIdSchema,
  /** The agent key that pushed last. */
  agent_id: revokeAgentKeyRequestSchema.shape.agent_id,
  /** Server time of the last push. */
  last_seen: timestampSchema,
  /** Estimated from the samples' spacing (estimateIntervalSeconds: whole seconds, 1 to 3600). */
  interval_seconds: z.number().int().min(1).max(3600),
  latest: storedHostSampleSchema,
  agent: hostMetricsPushRequestSchema.shape.agent,
  /** Samples whose timestamp lay outside the allowed clock skew and were clamped, since the host was first seen. */
  clamped_samples: count.optional(),
  /** How far the last push's most displaced sample was moved (ms; positive: it lay in the future; 0: none). */
  clamped_by_ms: z.number().optional(),
});

export type StoredHostSample = z.output<typeof storedHostSampleSchema>;
export type StoredHost = z.output<typeof storedHostSchema>;

export const storedHostConverter = storedConverter(storedHostSchema);
