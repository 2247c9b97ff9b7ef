/**
 * POSTs a push body with node:http(s). Not fetch: undici costs about 15 MB of RSS in a process whose
 * whole budget is 60 MB. The key only ever goes into the Authorization header.
 */
import { classifyAnswer, type PushOutcome } from "./push-outcome";

/** Answers beyond this are not ours (a proxy's error page); the rest is not read. */
const MAX_ANSWER_BYTES = 64 * 1024;

export interface TransportOptions {
  endpoint: URL;
  key: string;
  timeoutMs: number;
  userAgent: string;
}

export type Transport = (body: string, signal: AbortSignal) => Promise<PushOutcome>;

export async function httpTransport(options: TransportOptions): Promise<Transport> {
  // Only the module the endpoint needs: node:https brings TLS in with it.
  const client: Pick<typeof import("node:http"), "request" | "Agent"> =
    options.endpoint.protocol === "https:" ? await import("node:https") : await import("node:http");
  // One socket reused across pushes: no TLS handshake every interval.
  const agent = new client.Agent({ keepAlive: true, maxSockets: 1 });
  return (body, signal) =>
    new Promise<PushOutcome>((resolve) => {
      const request = client.request(options.endpoint, {
        method: "POST",
        agent,
        signal,
        timeout: options.timeoutMs,
        headers: {
          Authorization: `Bearer ${options.key}`,
          "Content-Type": "application/json",
          "Content-Length": Buffer.byteLength(body),
          "User-Agent": options.userAgent,
        },
      });
      request.on("timeout", () => request.destroy(new Error(`no answer within ${options.timeoutMs} ms`)));
      // Error messages of node:http name the host and the cause, never the headers.
      request.on("error", (error) => resolve({ kind: "retry", reason: error.message }));
      request.on("response", (response) => {
        const chunks: Buffer[] = [];
        let length = 0;
        response.on("data", (chunk: Buffer) => {
          if (length < MAX_ANSWER_BYTES) chunks.push(chunk);
          length += chunk.length;
        });
        response.on("error", (error) => resolve({ kind: "retry", reason: error.message }));
        response.on("end", () => {
          const retryAfter = response.headers["retry-after"];
          resolve(
            classifyAnswer({
              status: response.statusCode ?? 0,
              body: Buffer.concat(chunks).toString("utf8").slice(0, MAX_ANSWER_BYTES),
              ...(retryAfter === undefined ? {} : { retryAfter }),
            }),
          );
        });
      });
      request.end(body);
    });
}
