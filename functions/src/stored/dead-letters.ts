/**
 * `perf_dead_letters`: work that failed for good, set aside with its reason instead of retried without
 * end: a trigger event whose source document cannot be aggregated, or a minute whose fold kept failing.
 * Admins read them; health counts the open ones; a re-run resolves them.
 */
import * as z from "zod";
import { storedConverter, timestampSchema } from "./stored-document";

export const DEAD_LETTER_KINDS = ["trigger", "fold"] as const;
export type DeadLetterKind = (typeof DEAD_LETTER_KINDS)[number];

export const storedDeadLetterSchema = z.object({
  kind: z.enum(DEAD_LETTER_KINDS),
  /** The triggering document's path (trigger) or the minute's bucket key (fold). */
  subject: z.string(),
  reason: z.string(),
  attempts: z.number().int().min(1),
  first_failed_at: timestampSchema,
  last_failed_at: timestampSchema,
  state: z.enum(["open", "resolved"]),
  resolved_at: timestampSchema.nullable(),
  expire_at: timestampSchema,
});

export type StoredDeadLetter = z.output<typeof storedDeadLetterSchema>;

export const storedDeadLetterConverter = storedConverter(storedDeadLetterSchema);
