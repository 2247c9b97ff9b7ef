/**
 * Deployed functions. Names are the public contract (clients call them by name with httpsCallable).
 */
import {
  addMetricRequestSchema,
  recordTracesRequestSchema,
  startTraceRequestSchema,
  stopTraceRequestSchema,
} from "@aideon-perf/core";
import { recordingCallable } from "./callables";

export const startTrace = recordingCallable(startTraceRequestSchema, (s, uid, req) => s.startTrace(uid, req));
export const stopTrace = recordingCallable(stopTraceRequestSchema, (s, uid, req) => s.stopTrace(uid, req));
export const addMetric = recordingCallable(addMetricRequestSchema, (s, uid, req) => s.addMetric(uid, req));
export const recordTraces = recordingCallable(recordTracesRequestSchema, (s, uid, req) => s.recordTraces(uid, req));
