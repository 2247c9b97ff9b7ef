// A stored document version and its proto form.
import type { Document, Fields } from "./proto";
import { type Micros, toTimestamp } from "./time";

export interface StoredDocument {
  readonly name: string;
  readonly fields: Fields;
  readonly createTime: Micros;
  readonly updateTime: Micros;
}

export function toDocumentProto(doc: StoredDocument, fields: Fields = doc.fields): Document {
  return {
    name: doc.name,
    fields,
    createTime: toTimestamp(doc.createTime),
    updateTime: toTimestamp(doc.updateTime),
  };
}
