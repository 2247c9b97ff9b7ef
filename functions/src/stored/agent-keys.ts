/** `perf_agent_keys`: one document per agent key, at its agent id: host, label and the secret's hash (never the key). */
import * as z from "zod";
import { createAgentKeyRequestSchema, hostIdSchema } from "@aideon-perf/core";
import { keyRecordShape } from "./key-record";
import { storedConverter } from "./stored-document";

export const storedAgentKeySchema = z.object({
  host_id: hostIdSchema,
  /** The label createAgentKey was given, null without one. */
  label: createAgentKeyRequestSchema.shape.label.unwrap().nullable(),
  ...keyRecordShape,
});

export type StoredAgentKey = z.output<typeof storedAgentKeySchema>;

export const storedAgentKeyConverter = storedConverter(storedAgentKeySchema);
