/**
 * The OTLP/HTTP trace receiver, POST /api/v1/otlp/v1/traces (in the `api` function, so the Hosting
 * rewrite and the function's own URL both reach it), authenticated by an ingest key in
 * `Authorization: Bearer aik_...`. Each span becomes one recorded trace (span-to-trace.ts), stored
 * through the same recordTraces path as the REST API and the callables, in batches of at most 500.
 * A batch's id is derived from the payload's bytes, so an exporter's retry of the same payload is
 * stored once. Spans that cannot be traces are counted in partial_success with the first reason.
 * Errors are the REST API's JSON error body (401 key, 400 undecodable, 413, 415, 429/503 Retry-After).
 */
import { createHash } from "node:crypto";
import { logger } from "firebase-functions";
import type { IncomingMessage, ServerResponse } from "node:http";
import {
  LIMITS,
  parseRequest,
  recordedTraceSchema,
  ValidationError,
  type RecordedTrace,
} from "@aideon-perf/core";
import type { Principal } from "../admission/principal";
import { errors } from "../errors";
import { readBody, type BodyRequest } from "../http/body";
import { ingestKeyOf } from "../http/credentials";
import { ApiError, errorBody, httpErrors, toApiError } from "../http/errors";
import { sendJson } from "../http/send";
import type { TraceService } from "../traces/trace-service";
import {
  decodeExport,
  encodeResponse,
  formatOf,
  inflate,
  OtlpDecodeError,
  OtlpTooLargeError,
} from "./otlp-codec";
import { spanToTrace } from "./span-to-trace";

export const OTLP_TRACES_PATH = "/api/v1/otlp/v1/traces";
/** The largest export accepted, compressed and once inflated (the SDKs' default batch is 512 spans, well under). */
export const OTLP_MAX_BODY_BYTES = 4 * 1024 * 1024;

export interface OtlpReceiverDeps {
  authenticate: (ingestKey: string) => Promise<Principal>;
  traces: () => Pick<TraceService, "recordTraces">;
}

export interface OtlpResult {
  accepted: number;
  rejected: number;
  /** The first rejected span's reason, for partial_success.error_message. */
  message: string;
}

/** The payload's spans as traces, the rest counted with the first reason. */
function tracesOf(
  bytes: Buffer,
  format: "protobuf" | "json",
): { traces: RecordedTrace[]; rejected: number; message: string } {
  const traces: RecordedTrace[] = [];
  const reasons: string[] = [];
  for (const decoded of decodeExport(bytes, format)) {
    const mapped =
      "rejected" in decoded ? decoded : spanToTrace(decoded.span, decoded.resource?.attributes ?? []);
    if ("rejected" in mapped) {
      reasons.push(mapped.rejected);
      continue;
    }
    try {
      traces.push(parseRequest(recordedTraceSchema, mapped.trace));
    } catch (e) {
      if (!(e instanceof ValidationError)) throw e;
      reasons.push(`span ${String(mapped.trace.attributes?.span_id ?? "?")}: ${e.message}`);
    }
  }
  return { traces, rejected: reasons.length, message: reasons[0] ?? "" };
}

/** Decodes, maps and records one export; throws what the handler answers as an error. */
export async function receiveExport(
  principal: Principal,
  bytes: Buffer,
  format: "protobuf" | "json",
  deps: OtlpReceiverDeps,
): Promise<OtlpResult> {
  const { traces, rejected, message } = tracesOf(bytes, format);
  const payloadId = createHash("sha256").update(bytes).digest("hex").slice(0, 40);
  for (let start = 0; start < traces.length; start += LIMITS.MAX_TRACES_PER_BATCH) {
    // Each trace was parsed by recordedTraceSchema above and the id is ours: no second validation pass.
    const batch = {
      batch_id: `otlp-${payloadId}-${start / LIMITS.MAX_TRACES_PER_BATCH}`,
      traces: traces.slice(start, start + LIMITS.MAX_TRACES_PER_BATCH),
    };
    await deps.traces().recordTraces(principal, batch);
  }
  return { accepted: traces.length, rejected, message };
}

function toOtlpError(e: unknown): ApiError {
  if (e instanceof OtlpDecodeError) return new ApiError(400, "invalid-argument", e.message);
  if (e instanceof OtlpTooLargeError) return httpErrors.payloadTooLarge(OTLP_MAX_BODY_BYTES);
  return toApiError(e);
}

export function otlpTracesHandler(deps: OtlpReceiverDeps) {
  return async (req: IncomingMessage & { rawBody?: Buffer }, res: ServerResponse): Promise<void> => {
    try {
      if (req.method !== "POST") throw httpErrors.methodNotAllowed(req.method ?? "", ["POST"]);
      // The key first: an unauthenticated caller learns nothing about what it sent.
      const key = ingestKeyOf(req.headers.authorization);
      if (key === undefined) throw errors.ingestKeyRejected();
      const principal = await deps.authenticate(key);
      const format = formatOf(req.headers["content-type"]);
      if (!format) {
        throw new ApiError(
          415,
          "unsupported-media-type",
          "Send Content-Type: application/x-protobuf or application/json (OTLP/HTTP).",
        );
      }
      const raw = await readBody(req as BodyRequest, OTLP_MAX_BODY_BYTES);
      const bytes = inflate(raw, req.headers["content-encoding"], OTLP_MAX_BODY_BYTES);
      const result = await receiveExport(principal, bytes, format, deps);
      // The exporter sees rejections in partial_success; the project sees them here.
      if (result.rejected > 0)
        logger.warn("otlp spans rejected", {
          principal: principal.id,
          accepted: result.accepted,
          rejected: result.rejected,
          reason: result.message,
        });
      const body = encodeResponse(format, result.rejected, result.message);
      res.statusCode = 200;
      res.setHeader("Content-Type", format === "json" ? "application/json" : "application/x-protobuf");
      res.setHeader("Content-Length", body.length);
      res.end(body);
    } catch (e) {
      const error = toOtlpError(e);
      sendJson(res, error.status, errorBody(error), error.headers);
    }
  };
}
