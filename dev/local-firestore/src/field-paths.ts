// Field paths ("a.b", "`odd key`.c") and copy-on-write access to nested map fields. Stored
// documents are never mutated: they are shared with read results, listeners and the change feed.
import type { Fields, Value } from "./proto";
import { invalidArgument } from "./errors";

export type FieldPath = readonly string[];

export const DOCUMENT_ID = "__name__";

export function parseFieldPath(path: string): FieldPath {
  const segments: string[] = [];
  let i = 0;
  while (i <= path.length) {
    let segment = "";
    if (path[i] === "`") {
      i++;
      while (i < path.length && path[i] !== "`") {
        if (path[i] === "\\") i++;
        segment += path[i] ?? "";
        i++;
      }
      if (path[i] !== "`") throw invalidArgument(`Invalid field path: ${path}`);
      i++;
    } else {
      while (i < path.length && path[i] !== ".") segment += path[i++];
    }
    if (segment === "") throw invalidArgument(`Invalid field path: "${path}"`);
    segments.push(segment);
    if (i < path.length && path[i] !== ".") throw invalidArgument(`Invalid field path: ${path}`);
    i++;
  }
  return segments;
}

export function getField(fields: Fields, path: FieldPath): Value | undefined {
  let current: Fields | undefined = fields;
  for (let i = 0; i < path.length - 1; i++) {
    current = current[path[i]!]?.mapValue?.fields;
    if (!current) return undefined;
  }
  return current[path[path.length - 1]!];
}

/** Returns new fields with `value` at `path`; non-map values on the way are replaced by maps. */
export function setField(fields: Fields, path: FieldPath, value: Value): Fields {
  const [head, ...rest] = path;
  if (rest.length === 0) return { ...fields, [head!]: value };
  const child = fields[head!]?.mapValue?.fields ?? {};
  return { ...fields, [head!]: { mapValue: { fields: setField(child, rest, value) } } };
}

/** Returns new fields without `path` (unchanged object if it is absent). */
export function deleteField(fields: Fields, path: FieldPath): Fields {
  const [head, ...rest] = path;
  if (!(head! in fields)) return fields;
  if (rest.length === 0) {
    const others = { ...fields };
    delete others[head!];
    return others;
  }
  const child = fields[head!]?.mapValue?.fields;
  if (!child) return fields;
  const updated = deleteField(child, rest);
  return updated === child ? fields : { ...fields, [head!]: { mapValue: { fields: updated } } };
}

/** Only the listed paths (a `select()` projection or read mask). */
export function projectFields(fields: Fields, paths: FieldPath[]): Fields {
  let out: Fields = {};
  for (const path of paths) {
    const value = getField(fields, path);
    if (value !== undefined) out = setField(out, path, value);
  }
  return out;
}
