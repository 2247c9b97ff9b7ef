/** How batches leave the process: by default the recordTraces callable of the Firebase client SDK. */
import type { RecordTracesRequestInput, RecordTracesResponse } from "@aideon-perf/core";
import { httpsCallable, type Functions } from "firebase/functions";

/** Sends one batch; rejects on failure (a FunctionsError from the callable, or any error). */
export type BatchTransport = (request: RecordTracesRequestInput) => Promise<RecordTracesResponse>;

/** The callables this SDK calls; fetch instrumentation never traces them (it would trace its own delivery). */
export const SDK_CALLABLES = ["recordTraces", "startTrace", "stopTrace", "addMetric"] as const;

/** A hung request holds up the batches behind it; the callable's own default is 70 s. */
const SEND_TIMEOUT_MS = 30_000;

export function callableTransport(functions: Functions): BatchTransport {
  const recordTraces = httpsCallable<RecordTracesRequestInput, RecordTracesResponse>(functions, "recordTraces", {
    timeout: SEND_TIMEOUT_MS,
  });
  return async (request) => (await recordTraces(request)).data;
}
