// Server-side field transforms (FieldValue.increment / maximum / minimum / serverTimestamp /
// arrayUnion / arrayRemove), applied to top-level or nested paths as documented for
// DocumentTransform.FieldTransform.
import type { Fields, FieldTransform, Value } from "./proto";
import { getField, parseFieldPath, setField } from "./field-paths";
import { assertArrayElements } from "./document-limits";
import { invalidArgument } from "./errors";
import { type Micros, toTimestamp } from "./time";
import {
  NULL_VALUE,
  TypeOrder,
  arrayValues,
  compareValues,
  isNaNValue,
  toDouble,
  typeOrder,
  valuesEqual,
} from "./values";

const INT64_MAX = (1n << 63n) - 1n;
const INT64_MIN = -(1n << 63n);

export interface TransformOutcome {
  fields: Fields;
  /** The WriteResult.transform_results entry: the new value, or null for array transforms. */
  result: Value;
}

export function applyTransform(
  fields: Fields,
  transform: FieldTransform,
  commitTime: Micros,
): TransformOutcome {
  const path = parseFieldPath(transform.fieldPath);
  const current = getField(fields, path);
  const set = (value: Value, result: Value = value): TransformOutcome => ({
    fields: setField(fields, path, value),
    result,
  });

  if (transform.setToServerValue !== undefined) {
    if (transform.setToServerValue !== "REQUEST_TIME") throw invalidArgument("Unknown server value");
    // "The time at which the server processed the request, with millisecond precision" (write.proto).
    return set({ timestampValue: toTimestamp(Math.floor(commitTime / 1000) * 1000) });
  }
  if (transform.increment) return set(increment(current, transform.increment));
  if (transform.maximum) return set(extreme(current, transform.maximum, 1));
  if (transform.minimum) return set(extreme(current, transform.minimum, -1));
  if (transform.appendMissingElements) {
    const values = currentArray(current);
    const elements = transform.appendMissingElements.values ?? [];
    assertArrayElements(elements);
    for (const element of elements) {
      if (!values.some((v) => valuesEqual(v, element))) values.push(element);
    }
    return set({ arrayValue: { values } }, NULL_VALUE);
  }
  if (transform.removeAllFromArray) {
    const removed = transform.removeAllFromArray.values ?? [];
    assertArrayElements(removed);
    const values = currentArray(current).filter((v) => !removed.some((r) => valuesEqual(v, r)));
    return set({ arrayValue: { values } }, NULL_VALUE);
  }
  throw invalidArgument(`Field transform on "${transform.fieldPath}" has no transform type`);
}

function isNumber(v: Value | undefined): v is Value {
  return v !== undefined && typeOrder(v) === TypeOrder.Number;
}

/** The official emulator's answer to a non-numeric increment / maximum / minimum operand. */
function assertNumericOperand(operand: Value): void {
  if (!isNumber(operand)) throw invalidArgument("Input must be int64 or double.");
}

function currentArray(current: Value | undefined): Value[] {
  return current?.arrayValue ? [...arrayValues(current)] : [];
}

/** Integer + integer saturates at the int64 bounds; anything involving a double is double math. */
function increment(current: Value | undefined, operand: Value): Value {
  assertNumericOperand(operand);
  if (!isNumber(current)) return operand;
  if (current.integerValue !== undefined && operand.integerValue !== undefined) {
    let sum = BigInt(current.integerValue) + BigInt(operand.integerValue);
    if (sum > INT64_MAX) sum = INT64_MAX;
    if (sum < INT64_MIN) sum = INT64_MIN;
    return { integerValue: sum.toString() };
  }
  return { doubleValue: toDouble(current) + toDouble(operand) };
}

/**
 * maximum (sign 1) / minimum (sign -1): a non-numeric or missing field takes the operand; NaN wins;
 * on equal values (3 vs 3.0, 0 vs -0.0) the stored value stays.
 */
function extreme(current: Value | undefined, operand: Value, sign: 1 | -1): Value {
  assertNumericOperand(operand);
  if (!isNumber(current)) return operand;
  if (isNaNValue(current)) return current;
  if (isNaNValue(operand)) return operand;
  return compareValues(operand, current) * sign > 0 ? operand : current;
}
