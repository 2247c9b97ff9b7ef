import { randomUUID } from "node:crypto";
import { onCall } from "firebase-functions/https";
import type { z } from "zod";
import { parseRequest, ValidationError } from "@aideon-perf/core";
import { ENFORCE_APP_CHECK, TRACE_RETENTION_DAYS } from "./config";
import { errors } from "./errors";
import { db } from "./firestore";
import { traceService, type TraceService } from "./traces/trace-service";

let service: TraceService | undefined;
function traces(): TraceService {
  service ??= traceService({
    db: db(),
    now: Date.now,
    newTraceId: randomUUID,
    retentionDays: () => TRACE_RETENTION_DAYS.value(),
  });
  return service;
}

/**
 * A callable that records monitoring data: any signed-in user (anonymous included) may call it, its
 * payload is validated by the core's wire schema before anything is written, and validation failures
 * become invalid-argument errors naming the field.
 */
export function recordingCallable<S extends z.ZodType, R>(
  schema: S,
  run: (service: TraceService, uid: string, request: z.output<S>) => Promise<R>,
) {
  return onCall({ enforceAppCheck: ENFORCE_APP_CHECK }, async (request) => {
    const uid = request.auth?.uid;
    if (!uid) throw errors.unauthenticated();
    try {
      return await run(traces(), uid, parseRequest(schema, request.data));
    } catch (e) {
      if (e instanceof ValidationError) throw errors.invalidArgument(e);
      throw e;
    }
  });
}
