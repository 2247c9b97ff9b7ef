// Firestore's documented storage size of a document, to enforce the 1 MiB document limit:
// strings are UTF-8 bytes + 1; a name is its segments + 16; a document is name + fields + 32.
import type { Fields, Value } from "./proto";
import { invalidArgument } from "./errors";
import { documentsRoot } from "./names";

const MAX_DOCUMENT_BYTES = 1_048_576;

const stringSize = (s: string) => Buffer.byteLength(s, "utf8") + 1;

function nameSize(name: string): number {
  const segments = name.slice(documentsRoot(name).length + 1).split("/");
  return segments.reduce((sum, s) => sum + stringSize(s), 16);
}

function fieldsSize(fields: Fields): number {
  let size = 0;
  for (const [key, value] of Object.entries(fields)) size += stringSize(key) + valueSize(value);
  return size;
}

function valueSize(v: Value): number {
  if (v.stringValue !== undefined) return stringSize(v.stringValue);
  if (v.bytesValue !== undefined) return v.bytesValue.length;
  if (v.referenceValue !== undefined) return nameSize(v.referenceValue);
  if (v.arrayValue !== undefined)
    return (v.arrayValue.values ?? []).reduce((sum, e) => sum + valueSize(e), 0);
  if (v.mapValue !== undefined) return fieldsSize(v.mapValue.fields ?? {});
  if (v.geoPointValue !== undefined) return 16;
  if (v.nullValue !== undefined || v.booleanValue !== undefined) return 1;
  return 8; // integer, double, timestamp
}

export function assertDocumentSize(name: string, fields: Fields): void {
  const size = nameSize(name) + fieldsSize(fields) + 32;
  if (size > MAX_DOCUMENT_BYTES) {
    throw invalidArgument(
      `Document '${name}' cannot be written because its size (${size.toLocaleString("en-US")} bytes) exceeds the maximum allowed size of ${MAX_DOCUMENT_BYTES.toLocaleString("en-US")} bytes.`,
    );
  }
}
