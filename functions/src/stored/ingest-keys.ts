/** `perf_ingest_keys`: one document per ingest key, at its key id: name, trust and the secret's hash (never the key). */
import * as z from "zod";
import { createIngestKeyRequestSchema } from "@aideon-perf/core";
import { keyRecordShape } from "./key-record";
import { storedConverter } from "./stored-document";

export const storedIngestKeySchema = z.object({
  name: createIngestKeyRequestSchema.shape.name,
  /** Its traces steer health as a trusted source (admission/health-sources.ts). */
  trusted: z.boolean(),
  ...keyRecordShape,
});

export type StoredIngestKey = z.output<typeof storedIngestKeySchema>;

export const storedIngestKeyConverter = storedConverter(storedIngestKeySchema);
