/**
 * `perf_alerts`: open alerts at `{rule}:{subject}`, resolved ones (history) at unique ids with
 * expire_at. An alert is the finding that opened it (its latest message, value and threshold) plus
 * its lifecycle times.
 */
import * as z from "zod";
import { alertSchema } from "@aideon-perf/core";
import { storedConverter, timestampSchema } from "./stored-document";

/** A health rule's finding (the core's HealthFinding), as stored in alerts, notifications and perf_health. */
export const storedFindingSchema = alertSchema.pick({
  rule: true,
  subject: true,
  severity: true,
  message: true,
  value: true,
  threshold: true,
});

export const storedAlertSchema = z.object({
  ...storedFindingSchema.shape,
  status: alertSchema.shape.status,
  started_at: timestampSchema,
  fired_at: timestampSchema.nullable(),
  resolved_at: timestampSchema.nullable(),
  /** The evaluation time that last changed it: older evaluations are ignored. */
  evaluated_at: timestampSchema,
  /** History only (TTL). */
  expire_at: timestampSchema.optional(),
});

export type StoredAlert = z.output<typeof storedAlertSchema>;

export const storedAlertConverter = storedConverter(storedAlertSchema);
