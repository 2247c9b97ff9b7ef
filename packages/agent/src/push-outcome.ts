/**
 * What an HTTP answer to a push means for the agent. The server answers
 * `{success: true, accepted, duplicates}`, or `{success: false, error: {code, message}}` with
 * 400/401/403/413/429/5xx (core host-metrics.ts). Only failures a later attempt can fix are retried.
 */

export type PushOutcome =
  /** The batch is stored (duplicates: sample_ids the server already had, from an earlier attempt). */
  | { kind: "stored"; accepted: number; duplicates: number }
  /** Network error, timeout, 429, 5xx or an unexpected answer: keep the batch, try again later. */
  | { kind: "retry"; reason: string; retryAfter?: string }
  /** 400 or 413: this batch will never be accepted; drop it (counted) and carry on. */
  | { kind: "rejected"; status: number; reason: string }
  /** 401 or 403: the key is wrong, revoked or not allowed; no push can succeed. */
  | { kind: "unauthorized"; status: number; reason: string };

export interface HttpAnswer {
  status: number;
  body: string;
  retryAfter?: string;
}

export function classifyAnswer(answer: HttpAnswer): PushOutcome {
  const { status } = answer;
  if (status >= 200 && status < 300) {
    const stored = parseJson(answer.body) as
      { success?: unknown; accepted?: unknown; duplicates?: unknown } | undefined;
    if (stored?.success === true && isCount(stored.accepted) && isCount(stored.duplicates)) {
      return { kind: "stored", accepted: stored.accepted, duplicates: stored.duplicates };
    }
    return { kind: "retry", reason: `HTTP ${status} with an unexpected body: ${excerpt(answer.body)}` };
  }
  const reason = `HTTP ${status}: ${serverMessage(answer.body)}`;
  if (status === 401 || status === 403) return { kind: "unauthorized", status, reason };
  if (status === 400 || status === 413) return { kind: "rejected", status, reason };
  return {
    kind: "retry",
    reason,
    ...(answer.retryAfter === undefined ? {} : { retryAfter: answer.retryAfter }),
  };
}

const isCount = (value: unknown): value is number => Number.isSafeInteger(value) && (value as number) >= 0;

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** `error.code: error.message` of the REST error body, or an excerpt of whatever came back (a proxy's page). */
function serverMessage(body: string): string {
  const error = (parseJson(body) as { error?: { code?: unknown; message?: unknown } } | undefined)?.error;
  if (typeof error?.message === "string")
    return typeof error.code === "string" ? `${error.code}: ${error.message}` : error.message;
  return excerpt(body) || "(empty body)";
}

const EXCERPT_LENGTH = 200;

function excerpt(text: string): string {
  const line = text.replace(/\s+/g, " ").trim();
  return line.length > EXCERPT_LENGTH ? `${line.slice(0, EXCERPT_LENGTH)}...` : line;
}
