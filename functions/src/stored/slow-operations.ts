/** `perf_slow_operations`: one record per trace slower than its type's poor threshold, in the contract's shape. */
import * as z from "zod";
import { attributesSchema, schemaBlocks, storedTraceNameSchema, traceTypeSchema } from "@aideon-perf/core";
import { storedConverter, timestampSchema } from "./stored-document";

const { nonNegative } = schemaBlocks;

export const storedSlowOperationSchema = z.object({
  /** When the trace ended (served as ISO 8601). */
  timestamp: timestampSchema,
  message: z.string(),
  type: traceTypeSchema,
  /** Read with the older name rules: a document written before the printable rule still reads back. */
  name: storedTraceNameSchema,
  context: z.object({
    duration: nonNegative,
    threshold: z.number(),
    attributes: attributesSchema,
  }),
  expire_at: timestampSchema,
});

export type StoredSlowOperation = z.output<typeof storedSlowOperationSchema>;

export const storedSlowOperationConverter = storedConverter(storedSlowOperationSchema);
