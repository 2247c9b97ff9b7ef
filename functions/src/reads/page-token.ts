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

/** 9999-12-31T23:59:59.999Z: the last instant a Firestore Timestamp holds. */
const MAX_TIMESTAMP_MS = 253_402_300_799_999;

/**
 * The cursor of a token this API issued, or a ValidationError naming page_token: a time that is a
 * whole, non-negative millisecond a Timestamp can hold (toMillis() gives whole ones) and a valid
 * document id, so that a crafted token cannot make the query itself throw.
 */
export function decodePageToken(token: string): PageCursor {
  try {
    const [timestampMs, id] = JSON.parse(Buffer.from(token, "base64url").toString("utf8")) as unknown[];
    if (
      Number.isSafeInteger(timestampMs) &&
      (timestampMs as number) >= 0 &&
      (timestampMs as number) <= MAX_TIMESTAMP_MS &&
      isDocumentId(id)
    ) {
      return { timestampMs: timestampMs as number, id };
    }
  } catch {
    // fall through: not a token this API issued
  }
  throw new ValidationError("page_token", "is not a next_page_token this API returned");
}

/** Firestore's rules for a document id: no "/", not "." or "..", not __reserved__, at most 1,500 bytes. */
function isDocumentId(id: unknown): id is string {
  return (
    typeof id === "string" &&
    id.length > 0 &&
    !id.includes("/") &&
    id !== "." &&
    id !== ".." &&
    !/^__.*__$/s.test(id) &&
    Buffer.byteLength(id, "utf8") <= 1500
  );
}

/** Whether `item` comes after `cursor` in newest-first order (document id descending breaks ties). */
export function isAfter(item: PageCursor, cursor: PageCursor): boolean {
  return (
    item.timestampMs < cursor.timestampMs || (item.timestampMs === cursor.timestampMs && item.id < cursor.id)
  );
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
    nextPageToken: more
      ? encodePageToken({ timestampMs: (last.get(timeField) as Timestamp).toMillis(), id: last.id })
      : null,
  };
}
