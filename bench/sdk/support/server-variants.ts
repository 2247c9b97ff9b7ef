/** What the middleware benchmark and its server processes share: the variants and the IPC messages. */
import type { RequestHandler } from "express";

/** The same app bare, with the SDK's middleware, or under OpenTelemetry's HTTP + Express instrumentation. */
export type Variant = "bare" | "sdk" | "otel";

/** What an instrumentation recorded so far, everything queued delivered first. */
export interface Recorded {
  /** one per request: the SDK's HTTP_REQUEST traces, OpenTelemetry's HTTP server spans */
  requests: number;
  /** everything: the SDK's traces, OpenTelemetry's spans of every kind (Express middleware, handlers) */
  total: number;
}

export interface Instrumentation {
  /** installed first on the app; OpenTelemetry needs none (it patches http and express when loaded) */
  middleware?: RequestHandler;
  /** delivers what is queued and counts what was recorded */
  flush(): Promise<Recorded>;
}

/** The server's messages: its origin once listening, then one ServerStats per "stats" request. */
export interface Listening {
  origin: string;
}
export interface ServerStats extends Recorded {
  /** the server process's user + system CPU time so far, after the flush */
  cpuUs: number;
}
