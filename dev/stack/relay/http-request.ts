/**
 * A bare HTTP request with an explicit Content-Length (the Functions emulator rejects chunked trigger
 * bodies) that tells "connection failed or broke" apart from an HTTP answer and from a timeout.
 */
import http from "node:http";

export interface HttpAnswer {
  status: number;
  body: string;
}

/** The connection failed or broke: the request may or may not have been handled. */
export class ConnectionError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = "ConnectionError";
  }
}

/** No answer within the timeout: the request may still be running. */
export class TimeoutError extends Error {
  constructor(readonly timeoutMs: number) {
    super(`no answer within ${timeoutMs} ms`);
    this.name = "TimeoutError";
  }
}

export interface RequestOptions {
  method?: string;
  headers?: Record<string, string>;
  body?: Buffer;
  timeoutMs: number;
  signal?: AbortSignal;
}

export function httpRequest(url: string, options: RequestOptions): Promise<HttpAnswer> {
  const body = options.body ?? Buffer.alloc(0);
  return new Promise((resolve, reject) => {
    const req = http.request(url, {
      method: options.method ?? "GET",
      headers: { ...options.headers, "content-length": String(body.length) },
      signal: options.signal,
    });
    const timer = setTimeout(() => {
      reject(new TimeoutError(options.timeoutMs));
      req.destroy();
    }, options.timeoutMs);
    const fail = (err: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      reject(err.name === "AbortError" ? err : new ConnectionError(err.code ?? "ECONNECTION", err.message));
    };
    req.on("error", fail);
    req.on("response", (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (chunk: Buffer) => chunks.push(chunk));
      res.on("error", fail);
      res.on("end", () => {
        clearTimeout(timer);
        resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString("utf8") });
      });
    });
    req.end(body);
  });
}
