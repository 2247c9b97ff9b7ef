// One Write applied to one document's current state, following write.proto: preconditions, update
// with or without mask (fields in the mask but absent from the input are deleted), delete, then the
// update transforms in order. Pure: the store decides whether and when to keep the result.
import type { StoredDocument } from "./document";
import type { Fields, Value, Write } from "./proto";
import { assertDocumentLimits } from "./document-limits";
import { alreadyExists, failedPrecondition, invalidArgument, notFound } from "./errors";
import { deleteField, getField, parseFieldPath, setField } from "./field-paths";
import { assertDocumentName } from "./names";
import { type Micros, fromTimestamp } from "./time";
import { applyTransform } from "./transforms";
import { identicalFields } from "./values";

export interface WriteOutcome {
  /** The document after the write; the same object as before when nothing changed. */
  next: StoredDocument | undefined;
  transformResults: Value[];
}

/**
 * "Maximum number of field transformations that can be performed on a single document in a Commit
 * operation or in a transaction: 500" (production; the official emulator does not enforce it).
 */
const MAX_TRANSFORMS_PER_DOCUMENT = 500;

const transformsOf = (write: Write) => write.updateTransforms ?? write.transform?.fieldTransforms ?? [];

export function assertTransformLimit(writes: Write[]): void {
  const counts = new Map<string, number>();
  for (const write of writes) {
    const name = writeTarget(write);
    const count = (counts.get(name) ?? 0) + transformsOf(write).length;
    if (count > MAX_TRANSFORMS_PER_DOCUMENT) {
      throw invalidArgument(
        `Too many field transformations for ${name}: at most ${MAX_TRANSFORMS_PER_DOCUMENT} per document in one commit.`,
      );
    }
    counts.set(name, count);
  }
}

export function writeTarget(write: Write): string {
  const name = write.update?.name ?? write.delete ?? write.transform?.document;
  if (name === undefined) throw invalidArgument("A write must have an update, delete or transform");
  return assertDocumentName(name);
}

export function applyWrite(
  current: StoredDocument | undefined,
  write: Write,
  commitTime: Micros,
): WriteOutcome {
  const name = writeTarget(write);
  checkPrecondition(current, write, name);
  if (write.delete !== undefined) return { next: undefined, transformResults: [] };

  let fields: Fields;
  if (write.update) {
    fields = write.updateMask
      ? applyMask(current?.fields ?? {}, write.update.fields ?? {}, write.updateMask.fieldPaths ?? [])
      : (write.update.fields ?? {});
  } else {
    fields = current?.fields ?? {};
  }
  const transformResults: Value[] = [];
  for (const transform of transformsOf(write)) {
    const outcome = applyTransform(fields, transform, commitTime);
    fields = outcome.fields;
    transformResults.push(outcome.result);
  }
  assertDocumentLimits(name, fields);
  if (current && identicalFields(current.fields, fields)) return { next: current, transformResults };
  return {
    next: { name, fields, createTime: current?.createTime ?? commitTime, updateTime: commitTime },
    transformResults,
  };
}

function checkPrecondition(current: StoredDocument | undefined, write: Write, name: string): void {
  const precondition = write.currentDocument;
  if (!precondition) return;
  if (precondition.exists === true && !current) throw notFound(`No document to update: ${name}`);
  if (precondition.exists === false && current) throw alreadyExists(`Document already exists: ${name}`);
  if (precondition.updateTime !== undefined) {
    if (!current || current.updateTime !== fromTimestamp(precondition.updateTime)) {
      throw failedPrecondition(`The document's update time does not match the precondition: ${name}`);
    }
  }
}

/** Mask paths take their value from the input; a masked path absent from the input is deleted. */
function applyMask(existing: Fields, input: Fields, maskPaths: string[]): Fields {
  let fields = existing;
  for (const raw of maskPaths) {
    const path = parseFieldPath(raw);
    const value = getField(input, path);
    fields = value === undefined ? deleteField(fields, path) : setField(fields, path, value);
  }
  return fields;
}
