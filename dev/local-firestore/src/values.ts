// Firestore's value ordering: null < boolean < number < timestamp < string < bytes < reference
// < geo point < array < map. Integers and doubles are one type, compared numerically, NaN first.
import type { Value } from "./proto";
import { compareNames, compareUtf8 } from "./names";

export const enum TypeOrder {
  Null,
  Boolean,
  Number,
  Timestamp,
  String,
  Bytes,
  Reference,
  GeoPoint,
  Array,
  Map,
}

export function typeOrder(v: Value): TypeOrder {
  if (v.nullValue !== undefined) return TypeOrder.Null;
  if (v.booleanValue !== undefined) return TypeOrder.Boolean;
  if (v.integerValue !== undefined || v.doubleValue !== undefined) return TypeOrder.Number;
  if (v.timestampValue !== undefined) return TypeOrder.Timestamp;
  if (v.stringValue !== undefined) return TypeOrder.String;
  if (v.bytesValue !== undefined) return TypeOrder.Bytes;
  if (v.referenceValue !== undefined) return TypeOrder.Reference;
  if (v.geoPointValue !== undefined) return TypeOrder.GeoPoint;
  if (v.arrayValue !== undefined) return TypeOrder.Array;
  if (v.mapValue !== undefined) return TypeOrder.Map;
  // proto3 drops an empty message; an empty Value cannot come from a client SDK.
  return TypeOrder.Null;
}

export const NULL_VALUE: Value = { nullValue: "NULL_VALUE" };

export function isNaNValue(v: Value): boolean {
  return v.doubleValue !== undefined && Number.isNaN(v.doubleValue);
}

function isInteger(v: Value): boolean {
  return v.integerValue !== undefined;
}

export function arrayValues(v: Value): Value[] {
  return v.arrayValue?.values ?? [];
}

export function compareValues(a: Value, b: Value): number {
  const ta = typeOrder(a);
  const tb = typeOrder(b);
  if (ta !== tb) return ta - tb;
  switch (ta) {
    case TypeOrder.Null:
      return 0;
    case TypeOrder.Boolean:
      return Number(a.booleanValue) - Number(b.booleanValue);
    case TypeOrder.Number:
      return compareNumbers(a, b);
    case TypeOrder.Timestamp: {
      const s = Number(a.timestampValue?.seconds ?? 0) - Number(b.timestampValue?.seconds ?? 0);
      return s !== 0
        ? Math.sign(s)
        : Math.sign((a.timestampValue?.nanos ?? 0) - (b.timestampValue?.nanos ?? 0));
    }
    case TypeOrder.String:
      return Math.sign(compareUtf8(a.stringValue!, b.stringValue!));
    case TypeOrder.Bytes:
      return Buffer.compare(Buffer.from(a.bytesValue!), Buffer.from(b.bytesValue!));
    case TypeOrder.Reference:
      return Math.sign(compareNames(a.referenceValue!, b.referenceValue!));
    case TypeOrder.GeoPoint: {
      const pa = a.geoPointValue!;
      const pb = b.geoPointValue!;
      return (
        Math.sign((pa.latitude ?? 0) - (pb.latitude ?? 0)) ||
        Math.sign((pa.longitude ?? 0) - (pb.longitude ?? 0))
      );
    }
    case TypeOrder.Array:
      return compareArrays(arrayValues(a), arrayValues(b));
    case TypeOrder.Map:
      return compareMaps(a.mapValue?.fields ?? {}, b.mapValue?.fields ?? {});
  }
}

export function valuesEqual(a: Value, b: Value): boolean {
  return compareValues(a, b) === 0;
}

/** Numeric value as a double (integers beyond 2^53 lose precision, as in Firestore's double math). */
export function toDouble(v: Value): number {
  return v.integerValue !== undefined ? Number(v.integerValue) : (v.doubleValue ?? 0);
}

function compareNumbers(a: Value, b: Value): number {
  if (a.integerValue !== undefined && b.integerValue !== undefined) {
    const x = BigInt(a.integerValue);
    const y = BigInt(b.integerValue);
    return x < y ? -1 : x > y ? 1 : 0;
  }
  const x = toDouble(a);
  const y = toDouble(b);
  if (Number.isNaN(x)) return Number.isNaN(y) ? 0 : -1;
  if (Number.isNaN(y)) return 1;
  return x < y ? -1 : x > y ? 1 : 0;
}

function compareArrays(a: Value[], b: Value[]): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const c = compareValues(a[i]!, b[i]!);
    if (c !== 0) return c;
  }
  return Math.sign(a.length - b.length);
}

function compareMaps(a: Record<string, Value>, b: Record<string, Value>): number {
  const ka = Object.keys(a).sort(compareUtf8);
  const kb = Object.keys(b).sort(compareUtf8);
  const n = Math.min(ka.length, kb.length);
  for (let i = 0; i < n; i++) {
    const c = Math.sign(compareUtf8(ka[i]!, kb[i]!)) || compareValues(a[ka[i]!]!, b[kb[i]!]!);
    if (c !== 0) return c;
  }
  return Math.sign(ka.length - kb.length);
}

/**
 * Exact equality of stored representations (1 and 1.0 differ): decides whether a write changed a
 * document, since an unchanged document keeps its update time.
 */
function identicalValues(a: Value, b: Value): boolean {
  const ta = typeOrder(a);
  if (ta !== typeOrder(b)) return false;
  switch (ta) {
    case TypeOrder.Number:
      if (isInteger(a) !== isInteger(b)) return false;
      return isInteger(a)
        ? String(a.integerValue) === String(b.integerValue)
        : Object.is(a.doubleValue, b.doubleValue);
    case TypeOrder.Array: {
      const x = arrayValues(a);
      const y = arrayValues(b);
      return x.length === y.length && x.every((v, i) => identicalValues(v, y[i]!));
    }
    case TypeOrder.Map:
      return identicalFields(a.mapValue?.fields ?? {}, b.mapValue?.fields ?? {});
    default:
      return compareValues(a, b) === 0;
  }
}

export function identicalFields(a: Record<string, Value>, b: Record<string, Value>): boolean {
  const keys = Object.keys(a);
  if (keys.length !== Object.keys(b).length) return false;
  return keys.every((k) => b[k] !== undefined && identicalValues(a[k]!, b[k]!));
}
