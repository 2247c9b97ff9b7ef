/** Monitors wired to a fake clock and an in-memory transport: unit tests never touch the network. */
import type { RecordTracesRequestInput, RecordTracesResponse } from "@aideon-perf/core";
import { deleteApp, initializeApp, type FirebaseApp } from "firebase/app";
import { initPerformance, type PerformanceMonitor, type PerformanceOptions } from "../src";

export interface FakeClock {
  now(): number;
  epochMs(): number;
  advance(ms: number): void;
}

/** Starts at 2024-12-06T14:30:22Z; only advance() moves it. */
export function fakeClock(): FakeClock {
  let monotonic = 1_000;
  let epoch = Date.UTC(2024, 11, 6, 14, 30, 22);
  return {
    now: () => monotonic,
    epochMs: () => epoch,
    advance(ms) {
      monotonic += ms;
      epoch += ms;
    },
  };
}

export interface RecordingTransport {
  (request: RecordTracesRequestInput): Promise<RecordTracesResponse>;
  requests: RecordTracesRequestInput[];
  /** Traces of every request, in order. */
  traces(): RecordTracesRequestInput["traces"];
}

/** Accepts every batch; `failures` are thrown by the first calls, in order. */
export function recordingTransport(...failures: unknown[]): RecordingTransport {
  const requests: RecordTracesRequestInput[] = [];
  const transport = async (request: RecordTracesRequestInput): Promise<RecordTracesResponse> => {
    requests.push(structuredClone(request));
    const failure = failures.shift();
    if (failure !== undefined) throw failure;
    return { success: true, batch_id: request.batch_id, accepted: request.traces.length, duplicate: false };
  };
  return Object.assign(transport, { requests, traces: () => requests.flatMap((r) => r.traces) });
}

/** A FunctionsError-shaped error, as httpsCallable rejects with. */
export const callableError = (code: string) => Object.assign(new Error(code), { code: `functions/${code}` });

let apps = 0;
const open: Array<{ app: FirebaseApp; monitor: PerformanceMonitor }> = [];

/** A monitor with fast, deterministic delivery; closed by closeMonitors() (call it in afterEach). */
export function testMonitor(options: PerformanceOptions = {}): PerformanceMonitor {
  const app = initializeApp(
    { projectId: "demo-sdk-unit", apiKey: "demo-api-key", appId: "demo-app" },
    `sdk-unit-${++apps}`,
  );
  const monitor = initPerformance(app, {
    transport: recordingTransport(),
    flushIntervalMs: 60_000,
    initialRetryDelayMs: 1,
    maxRetryDelayMs: 4,
    flushOnExit: false,
    ...options,
  });
  open.push({ app, monitor });
  return monitor;
}

export async function closeMonitors(): Promise<void> {
  const closing = open.splice(0);
  await Promise.all(
    closing.map(async ({ app, monitor }) => {
      await monitor.shutdown();
      await deleteApp(app);
    }),
  );
}
