/** Credentials in the Authorization header: `Bearer <ID token | ingest key (aik_...) | agent key>`. */

/** The credential of a `Bearer` header, trimmed; undefined for another scheme or none. */
export const bearerCredential = (header: string | string[] | undefined): string | undefined =>
  typeof header === "string" && /^bearer /i.test(header) ? header.slice("bearer ".length).trim() : undefined;

/** Whether an Authorization header carries an ingest key (keys/ingest-key-service.ts) rather than an ID token. */
export const isIngestKeyHeader = (header: string | string[] | undefined): header is string =>
  typeof header === "string" && /^bearer aik_/i.test(header);

/** The ingest key of an Authorization header, or undefined when it carries none. */
export const ingestKeyOf = (header: string | string[] | undefined): string | undefined =>
  isIngestKeyHeader(header) ? bearerCredential(header) : undefined;
