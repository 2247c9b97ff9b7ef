/**
 * `perf_config`: runtime configuration documents. `thresholds` and `health` hold `{overrides}` on top
 * of the core's defaults (a key absent: its default; setting it to null deletes the key; a document
 * whose every override was reset, or that was only ever reset, may lack `overrides`);
 * `local_alert_webhook` (`{url}`) is read by the Functions emulator only.
 */
import * as z from "zod";
import { healthConfigSchema, thresholdSchema, traceTypeSchema } from "@aideon-perf/core";
import { storedConverter } from "./stored-document";

/** perf_config/thresholds: per trace type, a threshold replacing the default one. */
export const storedThresholdsConfigSchema = z.object({
  overrides: z.partialRecord(traceTypeSchema, thresholdSchema).optional(),
});
export type StoredThresholdsConfig = z.output<typeof storedThresholdsConfigSchema>;
export const storedThresholdsConfigConverter = storedConverter(storedThresholdsConfigSchema);

/** perf_config/health: any subset of the health settings, each valid on its own. */
export const storedHealthConfigSchema = z.object({
  overrides: healthConfigSchema.partial().optional(),
});
export type StoredHealthConfig = z.output<typeof storedHealthConfigSchema>;
export const storedHealthConfigConverter = storedConverter(storedHealthConfigSchema);

/** perf_config/local_alert_webhook: the emulator's webhook receiver (any string; only a URL usableWebhookUrl accepts is used). */
export const storedLocalWebhookSchema = z.object({
  url: z.string(),
});
export type StoredLocalWebhook = z.output<typeof storedLocalWebhookSchema>;
export const storedLocalWebhookConverter = storedConverter(storedLocalWebhookSchema);
