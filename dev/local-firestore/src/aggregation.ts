// count / sum / avg over a query's result, as documented for StructuredAggregationQuery: sum and
// avg ignore non-numeric values; sum stays an integer unless a double is involved or int64
// overflows; avg of nothing is null. The fields sum and avg read also shape the query (see
// parseQuery): documents without them are not counted either.
import type { Aggregation, Fields, Value } from "./proto";
import { invalidArgument } from "./errors";
import { type FieldPath, getField, parseFieldPath } from "./field-paths";
import type { StoredDocument } from "./document";
import { NULL_VALUE, TypeOrder, toDouble, typeOrder } from "./values";

const INT64_MAX = (1n << 63n) - 1n;
const INT64_MIN = -(1n << 63n);

export function aggregate(aggregations: Aggregation[], docs: StoredDocument[]): Fields {
  const result: Fields = {};
  aggregations.forEach((aggregation, i) => {
    result[aggregation.alias || `field_${i + 1}`] = compute(aggregation, docs);
  });
  return result;
}

export function aggregatedFields(aggregations: Aggregation[]): FieldPath[] {
  return aggregations.flatMap((a) => {
    const field = a.sum?.field ?? a.avg?.field;
    return field ? [parseFieldPath(field.fieldPath)] : [];
  });
}

function compute(aggregation: Aggregation, docs: StoredDocument[]): Value {
  if (aggregation.count) {
    const upTo = aggregation.count.upTo?.value;
    const count = upTo === undefined ? docs.length : Math.min(docs.length, Number(upTo));
    return { integerValue: String(count) };
  }
  const field = aggregation.sum?.field ?? aggregation.avg?.field;
  if (!field) throw invalidArgument("Unknown aggregation");
  const path = parseFieldPath(field.fieldPath);
  const numbers = docs
    .map((d) => getField(d.fields, path))
    .filter((v): v is Value => v !== undefined && typeOrder(v) === TypeOrder.Number);
  if (aggregation.avg) {
    if (numbers.length === 0) return NULL_VALUE;
    return { doubleValue: numbers.reduce((s, v) => s + toDouble(v), 0) / numbers.length };
  }
  if (numbers.every((v) => v.integerValue !== undefined)) {
    const sum = numbers.reduce((s, v) => s + BigInt(v.integerValue!), 0n);
    if (sum <= INT64_MAX && sum >= INT64_MIN) return { integerValue: sum.toString() };
  }
  return { doubleValue: numbers.reduce((s, v) => s + toDouble(v), 0) };
}
