/**
 * A stand-in for the ingestHostMetrics function on 127.0.0.1: checks the bearer key, validates every
 * body with the core schema (400 naming the field otherwise), stores each sample_id once and answers
 * `{success: true, accepted, duplicates}`. Its behaviour can be switched to fail the way a real server
 * or network does. Used by the agent tests and the agent benchmark.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import {
  hostMetricsPushRequestSchema,
  parseRequest,
  ValidationError,
  type HostMetricsPushRequest,
  type HostSample,
} from "@aideon-perf/core";

export type ReceiverMode =
  /** Store and answer 200. */
  | "up"
  /** Store, then answer 503: the answer was lost, the agent must retry and the retry is a duplicate. */
  | "store-then-fail"
  /** Answer this status with the REST error body, store nothing. */
  | { status: number; retryAfter?: string }
  /** Read the request and never answer. */
  | "hang";

export interface ReceivedRequest {
  atMs: number;
  authorization: string | undefined;
  contentType: string | undefined;
  /** Present when the body passed the schema. */
  body?: HostMetricsPushRequest;
  status: number;
}

export class Receiver {
  mode: ReceiverMode = "up";
  readonly requests: ReceivedRequest[] = [];
  /** Stored samples by sample_id: each once. */
  readonly stored = new Map<string, HostSample>();
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();
  private port = 0;

  /** The key it accepts; change it to reject the agent's. */
  constructor(public key: string) {}

  get url(): string {
    return `http://127.0.0.1:${this.port}/ingestHostMetrics`;
  }

  /** Listens (again, on the same port once it has one). */
  async start(): Promise<void> {
    const server = createServer((request, response) => void this.handle(request, response));
    server.on("connection", (socket) => {
      this.sockets.add(socket);
      socket.on("close", () => this.sockets.delete(socket));
    });
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(this.port, "127.0.0.1", () => resolve());
    });
    this.port = (server.address() as AddressInfo).port;
    this.server = server;
  }

  /** Stops listening and cuts every connection: the agent sees connection refused / reset. */
  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    for (const socket of this.sockets) socket.destroy();
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** Sample ids of every validated request, in order, repeats included. */
  sentIds(): string[] {
    return this.requests.flatMap((r) => r.body?.samples.map((s) => s.sample_id) ?? []);
  }

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const mode = this.mode;
    const record: ReceivedRequest = {
      atMs: Date.now(),
      authorization: request.headers.authorization,
      contentType: request.headers["content-type"],
      status: 0,
    };
    this.requests.push(record);
    if (mode === "hang") return;
    const answer = (status: number, body: unknown, headers: Record<string, string> = {}) => {
      record.status = status;
      response
        .writeHead(status, { "Content-Type": "application/json", ...headers })
        .end(JSON.stringify(body));
    };
    const fail = (status: number, code: string, message: string, headers?: Record<string, string>) =>
      answer(status, { success: false, error: { code, message } }, headers);

    if (request.headers.authorization !== `Bearer ${this.key}`)
      return fail(401, "unauthenticated", "unknown or revoked agent key");
    if (typeof mode === "object")
      return fail(
        mode.status,
        "test",
        `receiver answers ${mode.status}`,
        mode.retryAfter ? { "Retry-After": mode.retryAfter } : {},
      );
    let body: HostMetricsPushRequest;
    try {
      body = parseRequest(hostMetricsPushRequestSchema, JSON.parse(Buffer.concat(chunks).toString("utf8")));
    } catch (error) {
      return fail(400, "invalid-argument", error instanceof ValidationError ? error.message : String(error));
    }
    record.body = body;
    let accepted = 0;
    for (const sample of body.samples) {
      if (this.stored.has(sample.sample_id)) continue;
      this.stored.set(sample.sample_id, sample);
      accepted++;
    }
    if (mode === "store-then-fail") return fail(503, "unavailable", "stored, but the answer is lost");
    answer(200, { success: true, accepted, duplicates: body.samples.length - accepted });
  }
}
