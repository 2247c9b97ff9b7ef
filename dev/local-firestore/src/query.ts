// StructuredQuery evaluation: scope (collection or collection group), filters, the normalized
// ordering (explicit orders, then inequality fields, then aggregated fields, then __name__), cursors,
// offset, limit and projection. `matches` answers for one document, so listeners can test a single change.
import type { Cursor, Fields, Filter, StructuredQuery, Value } from "./proto";
import { failedPrecondition, invalidArgument, unimplemented } from "./errors";
import { DOCUMENT_ID, type FieldPath, getField, parseFieldPath, projectFields } from "./field-paths";
import { compareUtf8, isDescendant, lastSegment, parentCollection } from "./names";
import type { Store } from "./store";
import type { StoredDocument } from "./document";
import { TypeOrder, arrayValues, compareValues, isNaNValue, typeOrder, valuesEqual } from "./values";

interface OrderField {
  path: FieldPath;
  descending: boolean;
}

export interface Query {
  parent: string;
  collectionId: string;
  allDescendants: boolean;
  where: Filter | undefined;
  orderBy: OrderField[];
  startAt: Cursor | undefined;
  endAt: Cursor | undefined;
  offset: number;
  limit: number | undefined;
  projection: FieldPath[] | undefined;
}

const INEQUALITY_OPS = new Set([
  "LESS_THAN",
  "LESS_THAN_OR_EQUAL",
  "GREATER_THAN",
  "GREATER_THAN_OR_EQUAL",
  "NOT_EQUAL",
  "NOT_IN",
]);

/**
 * `aggregatedFields`: the fields a sum / avg aggregation reads. Like the official emulator, they
 * become implicit orders after the inequality fields (so only documents that have them are
 * aggregated, and a limit keeps the first documents in that order).
 */
export function parseQuery(parent: string, q: StructuredQuery, aggregatedFields: FieldPath[] = []): Query {
  if (q.findNearest) throw unimplemented("findNearest (vector search) is not supported by local-firestore");
  const from = q.from ?? [];
  if (from.length !== 1) throw invalidArgument("A query must select exactly one collection");
  const orderBy: OrderField[] = (q.orderBy ?? []).map((o) => ({
    path: parseFieldPath(o.field.fieldPath),
    descending: o.direction === "DESCENDING",
  }));
  const keyOrder = orderBy.findIndex((o) => isDocumentId(o.path));
  const inequalities = new Map<string, FieldPath>();
  collectInequalityFields(q.where, inequalities);
  const ordered = new Set(orderBy.map((o) => o.path.join(".")));
  const implicit = (paths: Iterable<FieldPath>) =>
    [...new Map([...paths].map((p) => [p.join("."), p])).entries()]
      .filter(([key, path]) => !ordered.has(key) && !isDocumentId(path))
      .sort(([a], [b]) => compareUtf8(a, b))
      .map(([, path]) => path);
  const inequalityOrders = implicit(inequalities.values());
  if (keyOrder !== -1 && (keyOrder < orderBy.length - 1 || inequalityOrders.length > 0)) {
    throw invalidArgument("order by clause cannot contain more fields after the key");
  }
  if (isDescendingKeyScan(orderBy, inequalityOrders, q.where)) {
    throw failedPrecondition("Firestore does not support descending key scans");
  }
  const aggregationOrders = implicit(aggregatedFields).filter((p) => !inequalities.has(p.join(".")));
  if (aggregationOrders.length > 0 && (keyOrder !== -1 || inequalities.has(DOCUMENT_ID))) {
    throw invalidArgument(
      `This query requires an index that has fields [${aggregationOrders.map((p) => p.join(".")).join(", ")}] after __name__ and Firestore does not currently support such an index. Please try the query again with additional ordering on those fields.`,
    );
  }
  // Implicit orders, the document name last, take the direction of the last explicit order.
  const descending = orderBy[orderBy.length - 1]?.descending ?? false;
  for (const path of [...inequalityOrders, ...aggregationOrders]) orderBy.push({ path, descending });
  if (keyOrder === -1) orderBy.push({ path: [DOCUMENT_ID], descending });
  for (const cursor of [q.startAt, q.endAt]) {
    if (cursor && (cursor.values ?? []).length > orderBy.length) {
      throw invalidArgument(
        "Too many cursor values specified. The specified values must match the orderBy() constraints of the query.",
      );
    }
  }
  return {
    parent,
    collectionId: from[0]!.collectionId ?? "",
    allDescendants: from[0]!.allDescendants ?? false,
    where: q.where,
    orderBy,
    startAt: q.startAt,
    endAt: q.endAt,
    offset: q.offset ?? 0,
    limit: q.limit?.value,
    projection: q.select?.fields
      ?.map((f) => parseFieldPath(f.fieldPath))
      .filter((p) => p.join(".") !== DOCUMENT_ID),
  };
}

const isDocumentId = (path: FieldPath) => path.length === 1 && path[0] === DOCUMENT_ID;

/**
 * The official emulator serves a query ordered only by the document name, descending, from its key
 * index alone, which it cannot scan backwards; a filter on any other field makes it use a field
 * index instead.
 */
function isDescendingKeyScan(
  explicit: OrderField[],
  inequalityOrders: FieldPath[],
  where: Filter | undefined,
): boolean {
  const first = explicit[0];
  if (!first || !first.descending || !isDocumentId(first.path) || inequalityOrders.length > 0) return false;
  return filteredFields(where).every(isDocumentId);
}

function filteredFields(filter: Filter | undefined): FieldPath[] {
  if (!filter) return [];
  if (filter.compositeFilter) return (filter.compositeFilter.filters ?? []).flatMap(filteredFields);
  const field = filter.fieldFilter?.field ?? filter.unaryFilter?.field;
  return field ? [parseFieldPath(field.fieldPath)] : [];
}

function collectInequalityFields(filter: Filter | undefined, out: Map<string, FieldPath>): void {
  if (!filter) return;
  if (filter.compositeFilter)
    for (const f of filter.compositeFilter.filters ?? []) collectInequalityFields(f, out);
  if (filter.fieldFilter && INEQUALITY_OPS.has(filter.fieldFilter.op)) {
    const path = parseFieldPath(filter.fieldFilter.field.fieldPath);
    out.set(path.join("."), path);
  }
}

/** Runs the query against the store: ordered, cursors, offset and limit applied. */
export function runQuery(store: Store, query: Query): StoredDocument[] {
  const rows: { doc: StoredDocument; keys: Value[] }[] = [];
  for (const doc of candidates(store, query)) {
    const keys = orderKeys(query, doc);
    if (keys && filterMatches(query.where, doc) && withinCursors(query, keys)) rows.push({ doc, keys });
  }
  rows.sort((a, b) => compareKeys(query, a.keys, b.keys));
  const end = query.limit === undefined ? undefined : query.offset + query.limit;
  return rows.slice(query.offset, end).map((r) => r.doc);
}

/** Would this document be in the result if the query had no offset or limit? */
export function matches(query: Query, doc: StoredDocument): boolean {
  if (!inScope(query, doc.name)) return false;
  const keys = orderKeys(query, doc);
  return keys !== undefined && filterMatches(query.where, doc) && withinCursors(query, keys);
}

/** Is the document in the query's collection (or collection group), whatever the filters? */
export function inScope(query: Query, name: string): boolean {
  const collection = parentCollection(name);
  if (!query.allDescendants) return collection === `${query.parent}/${query.collectionId}`;
  return (
    isDescendant(collection, query.parent) &&
    (query.collectionId === "" || lastSegment(collection) === query.collectionId)
  );
}

export function project(query: Query, fields: Fields): Fields {
  return query.projection ? projectFields(fields, query.projection) : fields;
}

function* candidates(store: Store, query: Query): Iterable<StoredDocument> {
  if (!query.allDescendants) {
    yield* store.collection(`${query.parent}/${query.collectionId}`);
    return;
  }
  for (const path of store.collectionsBelow(query.parent, query.collectionId || undefined)) {
    yield* store.collection(path);
  }
}

function fieldValue(doc: StoredDocument, path: FieldPath): Value | undefined {
  if (path.length === 1 && path[0] === DOCUMENT_ID) return { referenceValue: doc.name };
  return getField(doc.fields, path);
}

/** The document's values for the order fields, or undefined when one is missing (excluded). */
function orderKeys(query: Query, doc: StoredDocument): Value[] | undefined {
  const keys: Value[] = [];
  for (const order of query.orderBy) {
    const value = fieldValue(doc, order.path);
    if (value === undefined) return undefined;
    keys.push(value);
  }
  return keys;
}

function compareKeys(query: Query, a: Value[], b: Value[]): number {
  for (let i = 0; i < a.length && i < b.length; i++) {
    const c = compareValues(a[i]!, b[i]!);
    if (c !== 0) return query.orderBy[i]!.descending ? -c : c;
  }
  return 0;
}

/** Compares a document with a cursor on the cursor's (possibly shorter) prefix of the orders. */
function compareToCursor(query: Query, keys: Value[], cursor: Cursor): number {
  return compareKeys(query, keys.slice(0, (cursor.values ?? []).length), cursor.values ?? []);
}

function withinCursors(query: Query, keys: Value[]): boolean {
  if (query.startAt) {
    const c = compareToCursor(query, keys, query.startAt);
    if (query.startAt.before ? c < 0 : c <= 0) return false;
  }
  if (query.endAt) {
    const c = compareToCursor(query, keys, query.endAt);
    if (query.endAt.before ? c >= 0 : c > 0) return false;
  }
  return true;
}

function filterMatches(filter: Filter | undefined, doc: StoredDocument): boolean {
  if (!filter) return true;
  if (filter.compositeFilter) {
    const parts = filter.compositeFilter.filters ?? [];
    return filter.compositeFilter.op === "OR"
      ? parts.some((f) => filterMatches(f, doc))
      : parts.every((f) => filterMatches(f, doc));
  }
  if (filter.unaryFilter) {
    const value = fieldValue(doc, parseFieldPath(filter.unaryFilter.field.fieldPath));
    if (value === undefined) return false;
    switch (filter.unaryFilter.op) {
      case "IS_NULL":
        return value.nullValue !== undefined;
      case "IS_NOT_NULL":
        return value.nullValue === undefined;
      case "IS_NAN":
        return isNaNValue(value);
      case "IS_NOT_NAN":
        return value.nullValue === undefined && !isNaNValue(value);
      default:
        throw invalidArgument(`Unknown unary filter operator ${filter.unaryFilter.op}`);
    }
  }
  if (filter.fieldFilter) {
    const { field, op, value: operand } = filter.fieldFilter;
    const value = fieldValue(doc, parseFieldPath(field.fieldPath));
    return value !== undefined && fieldFilterMatches(op, value, operand);
  }
  return true;
}

/**
 * Range operators only match values of the operand's type (numbers count as one type); != and
 * not-in never match null; a null in a not-in list matches nothing.
 */
function fieldFilterMatches(op: string, value: Value, operand: Value): boolean {
  const sameType = typeOrder(value) === typeOrder(operand);
  switch (op) {
    case "EQUAL":
      return valuesEqual(value, operand);
    case "NOT_EQUAL":
      return value.nullValue === undefined && !valuesEqual(value, operand);
    case "LESS_THAN":
      return sameType && compareValues(value, operand) < 0;
    case "LESS_THAN_OR_EQUAL":
      return sameType && compareValues(value, operand) <= 0;
    case "GREATER_THAN":
      return sameType && compareValues(value, operand) > 0;
    case "GREATER_THAN_OR_EQUAL":
      return sameType && compareValues(value, operand) >= 0;
    case "ARRAY_CONTAINS":
      return typeOrder(value) === TypeOrder.Array && arrayValues(value).some((v) => valuesEqual(v, operand));
    case "ARRAY_CONTAINS_ANY":
      return (
        typeOrder(value) === TypeOrder.Array &&
        arrayValues(value).some((v) => arrayValues(operand).some((o) => valuesEqual(v, o)))
      );
    case "IN":
      return arrayValues(operand).some((o) => valuesEqual(value, o));
    case "NOT_IN":
      return (
        value.nullValue === undefined &&
        !arrayValues(operand).some((o) => o.nullValue !== undefined || valuesEqual(value, o))
      );
    default:
      throw invalidArgument(`Unknown field filter operator ${op}`);
  }
}
