/** Plain HTTP for the REST tests: what a curl user sees (status, headers, the body as text and as JSON). */
import assert from "node:assert/strict";

export interface Answer {
  status: number;
  headers: Headers;
  text: string;
  /** The parsed body when it is JSON, else undefined. */
  json: unknown;
}

export interface SendOptions {
  token?: string;
  /** A string or bytes; an object is JSON-encoded with Content-Type: application/json. */
  body?: string | Uint8Array | object;
  headers?: Record<string, string>;
}

export async function send(
  base: string,
  method: string,
  path: string,
  options: SendOptions = {},
): Promise<Answer> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.token !== undefined) headers.Authorization = `Bearer ${options.token}`;
  let body: string | Uint8Array | undefined;
  if (typeof options.body === "string" || options.body instanceof Uint8Array) {
    body = options.body;
  } else if (options.body !== undefined) {
    body = JSON.stringify(options.body);
    headers["Content-Type"] ??= "application/json";
  }
  const res = await fetch(`${base}${path}`, { method, headers, body: body as BodyInit | undefined });
  const text = await res.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.status, headers: res.headers, text, json };
}

export interface ErrorBody {
  success: false;
  error: { code: string; message: string; field?: string };
}

/** Asserts a JSON error answer in the API's shape, with no stack trace or markup, and returns its body. */
export function assertJsonError(answer: Answer, status: number, label = ""): ErrorBody {
  const where = `${label} (HTTP ${answer.status}: ${answer.text.slice(0, 300)})`;
  assert.equal(answer.status, status, where);
  assert.match(answer.headers.get("content-type") ?? "", /^application\/json/, where);
  const body = answer.json as ErrorBody;
  assert.equal(body?.success, false, where);
  assert.equal(typeof body.error?.code, "string", where);
  assert.equal(typeof body.error?.message, "string", where);
  assert.deepEqual(Object.keys(body).sort(), ["error", "success"], where);
  assertNoLeak(answer.text, where);
  return body;
}

/** No stack frame, file path or HTML in an answer. */
export function assertNoLeak(text: string, where = ""): void {
  assert.doesNotMatch(text, /\n\s+at |\bat [\w.<>]+ \(|node_modules|\.ts:\d+|<html|<pre>/i, where);
}
