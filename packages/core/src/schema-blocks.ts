/**
 * Schema building blocks that more than one schema file uses, each defined once. Messages follow
 * "<field>: " like every schema's (see validation.ts); in a response schema they only show in a test.
 */
import * as z from "zod";

/** Firestore reserves document ids and field names of the form `__name__`. */
export const isFirestoreReserved = (text: string): boolean => /^__.*__$/.test(text);

export const ISO_UTC_MESSAGE = "must be an ISO 8601 UTC timestamp such as 2024-12-06T14:30:22Z";
/** The accepted instants: LIMITS.START_TIME_MIN_MS to LIMITS.START_TIME_MAX_MS. */
export const TIMESTAMP_RANGE_MESSAGE = "must be between 2000-01-01T00:00:00Z and 2100-01-01T00:00:00Z";

export const nonNegative = z.number().min(0, "must not be negative");
export const percent = nonNegative.max(100, "must be at most 100");
/** A duration. */
export const seconds = nonNegative;
/** Seconds; null while there is nothing to summarize. */
export const secondsOrNull = seconds.nullable();

/** A read's page size: 1 to `max`, `defaultLimit` when not given. */
export const limitSchema = (max: number, defaultLimit: number) =>
  z.number().int().min(1).max(max).default(defaultLimit);
/** The next_page_token of the previous page. */
export const pageToken = z.string().min(1).max(200);
/** Pass as page_token for the next page; null on the last page. */
export const nextPageToken = z.string().nullable();

// Responses
export const success = z.literal(true);
export const count = z.number().int().min(0);
/** ISO 8601 UTC. */
export const isoTime = z.string();
