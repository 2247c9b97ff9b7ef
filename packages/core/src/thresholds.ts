import * as z from "zod";
import { LIMITS } from "./limits";
import type { TraceType } from "./metric-types";

export const PERFORMANCE_THRESHOLDS: Readonly<Record<TraceType, Threshold>> = Object.freeze({
  // From the contract.
  HTTP_REQUEST: Object.freeze({ good: 1, acceptable: 3, poor: 5 }),
  // From the contract.
  DATABASE_QUERY: Object.freeze({ good: 0.1, acceptable: 0.5, poor: 1 }),
  // A third-party call adds network hops and a TLS handshake we do not control to the remote's
  // own work, so twice the HTTP bands; 10 s is a common client timeout, so nearing it is poor.
  EXTERNAL_API: Object.freeze({ good: 2, acceptable: 5, poor: 10 }),
  // From the contract.
  AI_GENERATION: Object.freeze({ good: 5, acceptable: 15, poor: 30 }),
  // Local I/O takes milliseconds and an object-store round trip a few hundred; seconds mean large
  // files or a contended disk or bucket. Poor matches HTTP_REQUEST so a file step that alone
  // makes a request slow is flagged itself.
  FILE_OPERATION: Object.freeze({ good: 0.5, acceptable: 2, poor: 5 }),
  // Sign-in sits in front of every session: a token check or one identity-provider round trip
  // plus a deliberately slow password hash (~0.1-0.3 s). Users abandon long before HTTP's 5 s.
  AUTHENTICATION: Object.freeze({ good: 0.5, acceptable: 1.5, poor: 3 }),
  // Unknown workload: judge it like the user-facing request it usually runs inside.
  CUSTOM_TRACE: Object.freeze({ good: 1, acceptable: 3, poor: 5 }),
  // One host-metrics sample must stay cheap (the agent's budget is < 1% of a core at a 15 s
  // interval); over 1 s means a blocking collector, over 5 s (a third of the interval) skews samples.
  SYSTEM_RESOURCE: Object.freeze({ good: 0.25, acceptable: 1, poor: 5 }),
});

const thresholdSecondsSchema = z
  .number()
  .gt(0, "must be greater than 0 seconds")
  .max(LIMITS.MAX_DURATION_SECONDS, `must be at most ${LIMITS.MAX_DURATION_SECONDS} seconds`);

/**
 * Duration bands in seconds, as in the contract ("good: < 1 second, acceptable: 1-3 seconds, poor:
 * > 5 seconds"); beyond `poor` a trace is a slow operation (the contract flags 8.5 s against 5.0 s).
 * The exact band edges are in classification.ts. An admin's override must be strictly increasing.
 */
export const thresholdSchema = z
  .strictObject({
    good: thresholdSecondsSchema,
    acceptable: thresholdSecondsSchema,
    poor: thresholdSecondsSchema,
  })
  .refine((t) => t.good < t.acceptable, { path: ["acceptable"], error: "must be greater than good" })
  .refine((t) => t.acceptable < t.poor, { path: ["poor"], error: "must be greater than acceptable" });
export type Threshold = z.output<typeof thresholdSchema>;
