/**
 * How calls leave the process: the aideon-perf callables through the Firebase client SDK (a signed-in
 * app), or the REST API with an ingest key (a backend without a Firebase user).
 */
import type { RecordTracesRequestInput, RecordTracesResponse } from "@aideon-perf/core";
import { httpsCallable, type Functions } from "firebase/functions";

/** The callables this SDK calls; fetch instrumentation never traces them (it would trace its own delivery). */
export const SDK_CALLABLES = ["recordTraces", "startTrace", "stopTrace", "addMetric"] as const;
export type SdkCallable = (typeof SDK_CALLABLES)[number];

/** The REST path of each callable, under /api/v1/performance/. */
export const REST_PATHS: Readonly<Record<SdkCallable, string>> = Object.freeze({
  recordTraces: "record-traces",
  startTrace: "start-trace",
  stopTrace: "stop-trace",
  addMetric: "add-metric",
});

/** One call by callable name; rejects with an error whose `code` is the callable / REST error code. */
export type SdkCall = <Res>(name: SdkCallable, request: object) => Promise<Res>;

/** Sends one batch; rejects on failure (a FunctionsError from the callable, or any error). */
export type BatchTransport = (request: RecordTracesRequestInput) => Promise<RecordTracesResponse>;

/** A hung request holds up the batches behind it; the callable's own default is 70 s. */
const SEND_TIMEOUT_MS = 30_000;

export function callableCall(functions: Functions): SdkCall {
  return async <Res>(name: SdkCallable, request: object) =>
    (await httpsCallable<unknown, Res>(functions, name, { timeout: SEND_TIMEOUT_MS })(request)).data;
}

/** A REST error answer: its code as the callables name it; `retryable` false for what a retry cannot fix. */
export class RestCallError extends Error {
  override readonly name = "RestCallError";
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly retryable: boolean,
  ) {
    super(message);
  }
}

/** 429, 5xx and network failures are worth retrying; any other 4xx (a bad or revoked key, a bad request) is not. */
const retryableStatus = (status: number): boolean => status === 429 || status === 408 || status >= 500;

/**
 * The REST API with `Authorization: Bearer <ingest key>`. `endpoint` is the Hosting site or the `api`
 * function's URL (e.g. https://my-project.web.app); paths are /api/v1/performance/<route>.
 */
export function ingestKeyCall(
  endpoint: string,
  ingestKey: string,
  fetchImpl: typeof fetch = globalThis.fetch,
): SdkCall {
  const base = endpoint.replace(/\/+$/, "");
  return async <Res>(name: SdkCallable, request: object) => {
    const res = await fetchImpl(`${base}/api/v1/performance/${REST_PATHS[name]}`, {
      method: "POST",
      headers: { Authorization: `Bearer ${ingestKey}`, "Content-Type": "application/json" },
      body: JSON.stringify(request),
      signal: AbortSignal.timeout(SEND_TIMEOUT_MS),
    });
    const body = (await res.json().catch(() => undefined)) as
      { error?: { code?: string; message?: string } } | undefined;
    if (!res.ok) {
      throw new RestCallError(
        res.status,
        body?.error?.code ?? `http-${res.status}`,
        body?.error?.message ?? `HTTP ${res.status}`,
        retryableStatus(res.status),
      );
    }
    return body as Res;
  };
}

export const transportOf =
  (call: SdkCall): BatchTransport =>
  (request) =>
    call<RecordTracesResponse>("recordTraces", request);

export const callableTransport = (functions: Functions): BatchTransport =>
  transportOf(callableCall(functions));
