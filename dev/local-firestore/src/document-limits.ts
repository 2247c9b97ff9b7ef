// What a stored document may hold (https://firebase.google.com/docs/firestore/quotas and the data
// model), checked on the document a write produces, so that transforms cannot slip past it either.
// Error codes and, where it enforces the rule, messages are the official emulator's (1.19.9).
import type { Fields, Value } from "./proto";
import { assertDocumentSize } from "./document-size";
import { invalidArgument } from "./errors";
import { arrayValues, compareValues } from "./values";

/** "Maximum depth of fields in a map or array": every map and array value is one level. */
const MAX_DEPTH = 20;
/** "Maximum size of a field value: 1 MiB - 89 bytes", enforced on string and bytes values. */
const MAX_VALUE_BYTES = 1_048_487;
/** "Maximum number of index entries for each document" (the official emulator does not enforce it). */
const MAX_INDEX_ENTRIES = 40_000;

export function assertDocumentLimits(name: string, fields: Fields): void {
  for (const [field, value] of Object.entries(fields)) assertValue(field, value);
  // Production's message for this limit.
  if (indexEntries(fields) > MAX_INDEX_ENTRIES) throw invalidArgument("too many index entries for entity");
  assertDocumentSize(name, fields);
}

/** Checks one top-level field's value; errors name that field, as the emulator's do. */
function assertValue(field: string, value: Value): void {
  const walk = (v: Value, depth: number): void => {
    const children = v.arrayValue
      ? arrayValues(v)
      : v.mapValue
        ? Object.values(v.mapValue.fields ?? {})
        : undefined;
    if (children) {
      if (v.arrayValue) assertArrayElements(children);
      if (depth + 1 > MAX_DEPTH) throw invalidNested(field);
      for (const child of children) walk(child, depth + 1);
    } else if (valueBytes(v) > MAX_VALUE_BYTES) {
      throw depth === 0
        ? invalidArgument(`The value of property "${field}" is longer than ${MAX_VALUE_BYTES} bytes.`)
        : invalidNested(field);
    }
  };
  walk(value, 0);
}

/** Firestore's data model: an array cannot contain another array (arrayUnion / arrayRemove operands neither). */
export function assertArrayElements(elements: Value[]): void {
  if (elements.some((e) => e.arrayValue !== undefined))
    throw invalidArgument("Cannot convert an array value in an array value.");
}

const invalidNested = (field: string) =>
  invalidArgument(`Property ${field} contains an invalid nested entity.`);

function valueBytes(v: Value): number {
  if (v.stringValue !== undefined) return Buffer.byteLength(v.stringValue, "utf8");
  return v.bytesValue?.length ?? 0;
}

/**
 * Automatic single-field index entries, as in Firestore's index entry count example: an ascending
 * and a descending entry for every field and every map subfield, and an array-contains entry for
 * every distinct array element. This server has no composite indexes and no exemptions.
 */
function indexEntries(fields: Fields): number {
  let entries = 0;
  for (const value of Object.values(fields)) {
    entries += 2;
    if (value.mapValue !== undefined) entries += indexEntries(value.mapValue.fields ?? {});
    if (value.arrayValue !== undefined) entries += distinctCount(arrayValues(value));
  }
  return entries;
}

function distinctCount(values: Value[]): number {
  const sorted = [...values].sort(compareValues);
  return sorted.filter((v, i) => i === 0 || compareValues(sorted[i - 1]!, v) !== 0).length;
}
