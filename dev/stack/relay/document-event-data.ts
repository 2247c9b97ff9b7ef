/**
 * The body of a Firestore CloudEvent: a `google.events.cloud.firestore.v1.DocumentEventData` protobuf,
 * encoded with the very protos firebase-functions decodes it with. Pure.
 */
import { isDeepStrictEqual } from "node:util";
import type { Document, Value } from "@aideon-perf/local-firestore";
import { firebaseFunctionsFile } from "./firebase-functions-files";

/** The part of protobufjs' generated message API we use. */
export interface ProtoMessageType {
  fromObject(object: Record<string, unknown>): unknown;
  encode(message: unknown): { finish(): Uint8Array };
  decode(bytes: Uint8Array): unknown;
  toObject(message: unknown, options?: Record<string, unknown>): Record<string, unknown>;
}

let documentEventData: ProtoMessageType | undefined;

/** The same compiled protos file firebase-functions decodes with (one module instance, one copy). */
export function documentEventDataType(): ProtoMessageType {
  if (!documentEventData) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const protos = require(firebaseFunctionsFile("protos/compiledFirestore.js")) as {
      google: { events: { cloud: { firestore: { v1: { DocumentEventData: ProtoMessageType } } } } };
    };
    documentEventData = protos.google.events.cloud.firestore.v1.DocumentEventData;
  }
  return documentEventData;
}

const SIMPLE_SEGMENT = /^[A-Za-z_][A-Za-z_0-9]*$/;
const quoteSegment = (segment: string) =>
  SIMPLE_SEGMENT.test(segment) ? segment : `\`${segment.replace(/\\/g, "\\\\").replace(/`/g, "\\`")}\``;

/**
 * The field paths an update changed (added, removed or modified), descending into maps present on
 * both sides, as Firestore fills `updateMask` for update events.
 */
export function changedFieldPaths(
  before: Record<string, Value> = {},
  after: Record<string, Value> = {},
  prefix = "",
): string[] {
  const paths: string[] = [];
  for (const key of [...new Set([...Object.keys(before), ...Object.keys(after)])].sort()) {
    const fieldPath = `${prefix}${quoteSegment(key)}`;
    const b = before[key];
    const a = after[key];
    if (b?.mapValue && a?.mapValue) {
      paths.push(...changedFieldPaths(b.mapValue.fields ?? {}, a.mapValue.fields ?? {}, `${fieldPath}.`));
    } else if (!isDeepStrictEqual(b, a)) {
      paths.push(fieldPath);
    }
  }
  return paths;
}

/** DocumentEventData for a change: `value` the document after, `oldValue` before, `updateMask` on updates. */
export function encodeDocumentEventData(before: Document | null, after: Document | null): Uint8Array {
  const type = documentEventDataType();
  const data: Record<string, unknown> = {};
  if (after) data.value = after;
  if (before) data.oldValue = before;
  if (before && after) data.updateMask = { fieldPaths: changedFieldPaths(before.fields, after.fields) };
  return type.encode(type.fromObject(data)).finish();
}
