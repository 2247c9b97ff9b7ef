import { ValidationError } from "@aideon-perf/core";

/** Opaque cursor for newest-first pages: the last item's timestamp and document id. */
export interface PageCursor {
  timestampMs: number;
  id: string;
}

export function encodePageToken(cursor: PageCursor): string {
  return Buffer.from(JSON.stringify([cursor.timestampMs, cursor.id])).toString("base64url");
}

export function decodePageToken(token: string): PageCursor {
  try {
    const [timestampMs, id] = JSON.parse(Buffer.from(token, "base64url").toString("utf8")) as unknown[];
    if (typeof timestampMs === "number" && Number.isFinite(timestampMs) && typeof id === "string" && id.length > 0) {
      return { timestampMs, id };
    }
  } catch {
    // fall through: not a token this API issued
  }
  throw new ValidationError("page_token", "is not a next_page_token this API returned");
}
