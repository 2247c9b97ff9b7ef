/** `perf_alert_notifications`: the outbox, one document per firing / resolved announcement, sent by a trigger. */
import * as z from "zod";
import { storedConverter, timestampSchema } from "./stored-document";
import { storedFindingSchema } from "./alerts";
import { schemaBlocks } from "@aideon-perf/core";

const { count } = schemaBlocks;

export const NOTIFICATION_KINDS = ["firing", "resolved"] as const;
/**
 * pending: to send (also after a failed attempt, until the trigger's retry); sending: an invocation
 * holds the lease; sent; skipped: no webhook is configured; failed: given up (see last_error).
 */
export const NOTIFICATION_STATUSES = ["pending", "sending", "sent", "skipped", "failed"] as const;

/** What is announced: the alert (its finding) as it was when it changed. Times in epoch ms. */
export const announcedAlertSchema = z.object({
  ...storedFindingSchema.shape,
  alert_id: z.string(),
  started_at_ms: z.number(),
  fired_at_ms: z.number().nullable(),
  resolved_at_ms: z.number().nullable(),
});

export const storedAlertNotificationSchema = z.object({
  kind: z.enum(NOTIFICATION_KINDS),
  alert: announcedAlertSchema,
  status: z.enum(NOTIFICATION_STATUSES),
  created_at: timestampSchema,
  /** Delivery attempts made (each invocation that took the lease counts one). */
  attempts: count,
  lease_until: timestampSchema.nullable(),
  sent_at: timestampSchema.nullable(),
  last_error: z.string().nullable(),
  expire_at: timestampSchema,
});

export type AnnouncedAlert = z.output<typeof announcedAlertSchema>;
export type StoredAlertNotification = z.output<typeof storedAlertNotificationSchema>;

export const storedAlertNotificationConverter = storedConverter(storedAlertNotificationSchema);
