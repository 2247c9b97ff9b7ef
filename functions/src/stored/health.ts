/** `perf_health`: the latest health evaluation (document `current`), written by evaluateHealth. */
import * as z from "zod";
import { healthResponseSchema, healthStatsSchema } from "@aideon-perf/core";
import { storedConverter, timestampSchema } from "./stored-document";
import { storedFindingSchema } from "./alerts";

/** The core's HealthEvaluation, the stats it used, and when it was made. */
export const storedHealthSchema = z.object({
  status: healthResponseSchema.shape.health.shape.status,
  /** The findings' messages, in rule order. */
  issues: z.array(z.string()),
  findings: z.array(storedFindingSchema),
  stats: healthStatsSchema,
  /** The evaluation time: a run finishing after a newer one does not overwrite it. */
  timestamp: timestampSchema,
});

export type StoredHealth = z.output<typeof storedHealthSchema>;

export const storedHealthConverter = storedConverter(storedHealthSchema);
