/** Wire schemas of the host APIs besides the agent's push (host-metrics.ts): keys and reads. */
import * as z from "zod";
import { hostIdSchema, mountSchema } from "./host-metrics";
import { KEY_ID_PATTERN } from "./ingest-key-schemas";
import { count, isoTime, nonNegative, percent, seconds, success } from "./schema-blocks";

export const AGENT_KEY_LABEL_MAX_LENGTH = 100;

export const createAgentKeyRequestSchema = z.strictObject({
  host_id: hostIdSchema,
  label: z.string().min(1).max(AGENT_KEY_LABEL_MAX_LENGTH).optional(),
});

export const revokeAgentKeyRequestSchema = z.strictObject({
  agent_id: z.string().regex(KEY_ID_PATTERN, "must be an agent_id createAgentKey returned"),
});

/** Windows of a host's time series. */
export const HOST_SERIES_WINDOWS = ["hour", "24h"] as const;

export const systemMetricsRequestSchema = z
  .strictObject({
    /** One host; without it, every host (and `metrics` of the most recently seen one). */
    host: hostIdSchema.optional(),
    /** With `host`: also that host's time series over this window. */
    series: z.enum(HOST_SERIES_WINDOWS).optional(),
  })
  .refine((r) => r.series === undefined || r.host !== undefined, {
    path: ["host"],
    message: "is required when series is given",
  });

export type CreateAgentKeyRequest = z.output<typeof createAgentKeyRequestSchema>;
export type RevokeAgentKeyRequest = z.output<typeof revokeAgentKeyRequestSchema>;
export type SystemMetricsRequest = z.output<typeof systemMetricsRequestSchema>;

const bytes = count;

/** The contract's system-metrics `metrics` object, with the agent's extras (load, mounts, rates, host). */
export const sourceMetricsSchema = z.strictObject({
  timestamp: isoTime,
  cpu: z.strictObject({
    percent,
    count: z.number().int().min(1),
    load_average: z.tuple([z.number(), z.number(), z.number()]),
  }),
  memory: z.strictObject({ percent, available_bytes: bytes, total_bytes: bytes }),
  disk: z.strictObject({ percent, free_bytes: bytes, total_bytes: bytes, mounts: z.array(mountSchema) }),
  network: z.strictObject({
    bytes_sent: bytes,
    bytes_received: bytes,
    sent_per_second: nonNegative,
    received_per_second: nonNegative,
  }),
  process: z
    .strictObject({
      memory_bytes: bytes,
      cpu_percent: nonNegative,
      pid: z.number().int(),
      name: z.string(),
    })
    .optional(),
  host: z.strictObject({
    hostname: z.string(),
    os: z.string(),
    platform: z.string(),
    release: z.string(),
    arch: z.string(),
    uptime_seconds: seconds,
  }),
});

export const seriesPointSchema = z.strictObject({
  timestamp: isoTime,
  cpu_percent: percent,
  load_1m: nonNegative,
  memory_percent: percent,
  disk_percent: percent,
  sent_per_second: nonNegative,
  received_per_second: nonNegative,
  process_cpu_percent: nonNegative.optional(),
  process_memory_bytes: bytes.optional(),
});

/** One host (`host` given), or every host with `metrics` of the most recently seen one. */
export const systemMetricsResponseSchema = z.union([
  z.strictObject({
    success,
    host_id: hostIdSchema,
    last_seen: isoTime,
    metrics: sourceMetricsSchema,
    series: z.array(seriesPointSchema).optional(),
  }),
  z.strictObject({
    success,
    host_id: hostIdSchema.nullable(),
    metrics: sourceMetricsSchema.nullable(),
    hosts: z.record(z.string(), z.strictObject({ last_seen: isoTime, metrics: sourceMetricsSchema })),
  }),
]);
