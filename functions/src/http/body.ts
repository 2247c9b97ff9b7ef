/**
 * Request bodies: the size cap, the JSON media type and the JSON itself. In Cloud Functions (and the
 * emulator) the platform has already read the body into req.rawBody; a plain Node server (the tests)
 * leaves the stream to us. Either way the same bytes are checked and parsed here, so both behave alike.
 */
import type { IncomingMessage } from "node:http";
import { ValidationError } from "@aideon-perf/core";
import { httpErrors } from "./errors";

export type BodyRequest = IncomingMessage & { rawBody?: Buffer };

/** application/json, optionally with charset=utf-8 (any case, quoted or not). */
export function isJsonMediaType(contentType: string | undefined): boolean {
  if (contentType === undefined) return false;
  const [type, ...params] = contentType.split(";").map((part) => part.trim().toLowerCase());
  if (type !== "application/json") return false;
  return params.every((param) => {
    const [name, value] = param.split("=").map((s) => s.trim());
    return name !== "charset" || value?.replace(/^"(.*)"$/, "$1") === "utf-8";
  });
}

/** Throws 413 when a declared Content-Length already exceeds the cap, before anything is read. */
export function checkDeclaredLength(contentLength: string | undefined, maxBytes: number): void {
  if (contentLength !== undefined && /^\d+$/.test(contentLength) && Number(contentLength) > maxBytes) {
    throw httpErrors.payloadTooLarge(maxBytes);
  }
}

/**
 * Bytes to JSON. An empty body is `undefined` (the schema then reports the request as missing); a body
 * needs Content-Type: application/json (415), valid UTF-8 and valid JSON (400 naming the root).
 */
export function parseJsonBody(bytes: Buffer, contentType: string | undefined): unknown {
  if (bytes.length === 0) return undefined;
  if (!isJsonMediaType(contentType)) throw httpErrors.unsupportedMediaType(contentType);
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    throw new ValidationError("(root)", "is not valid UTF-8");
  }
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new ValidationError("(root)", "is not valid JSON");
  }
}

/** The body's bytes, at most maxBytes of them (413 beyond). */
export async function readBody(req: BodyRequest, maxBytes: number): Promise<Buffer> {
  checkDeclaredLength(req.headers["content-length"], maxBytes);
  if (Buffer.isBuffer(req.rawBody)) {
    if (req.rawBody.length > maxBytes) throw httpErrors.payloadTooLarge(maxBytes);
    return req.rawBody;
  }
  if (req.readableEnded) return Buffer.alloc(0);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > maxBytes) {
      // Stop reading; Node discards the rest of the request once the answer is sent.
      throw httpErrors.payloadTooLarge(maxBytes);
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks, size);
}
