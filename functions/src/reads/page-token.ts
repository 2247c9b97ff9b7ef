import { FieldPath, Timestamp, type Query, type QueryDocumentSnapshot } from "firebase-admin/firestore";
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

/** Whether `item` comes after `cursor` in newest-first order (document id descending breaks ties). */
export function isAfter(item: PageCursor, cursor: PageCursor): boolean {
  return item.timestampMs < cursor.timestampMs || (item.timestampMs === cursor.timestampMs && item.id < cursor.id);
}

/**
 * One page of `query`, newest first by `timeField` (document id breaking ties), continuing after
 * `pageToken`: the page's documents and the token of the next page (null on the last one).
 * One extra document is read to know whether another page follows.
 */
export async function newestFirstPage<T>(
  query: Query<T>,
  timeField: string,
  limit: number,
  pageToken: string | undefined,
): Promise<{ docs: QueryDocumentSnapshot<T>[]; nextPageToken: string | null }> {
  let page = query.orderBy(timeField, "desc").orderBy(FieldPath.documentId(), "desc");
  if (pageToken) {
    const cursor = decodePageToken(pageToken);
    page = page.startAfter(Timestamp.fromMillis(cursor.timestampMs), cursor.id);
  }
  const snap = await page.limit(limit + 1).get();
  const docs = snap.docs.slice(0, limit);
  const last = docs[docs.length - 1];
  const more = snap.docs.length > limit && last !== undefined;
  return {
    docs,
    nextPageToken: more ? encodePageToken({ timestampMs: (last.get(timeField) as Timestamp).toMillis(), id: last.id }) : null,
  };
}
