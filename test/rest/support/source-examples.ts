/** Reading the contract's printed requests and response examples, and comparing shapes. */
import assert from "node:assert/strict";

export interface HttpExample {
  method: string;
  /** Path and query, e.g. /api/v1/performance/trace-summary?trace_type=HTTP_REQUEST */
  target: string;
  headers: Record<string, string>;
  /** The body exactly as printed (undefined when there is none). */
  body: string | undefined;
}

export function parseHttpExample(text: string): HttpExample {
  const [head = "", ...rest] = text.split(/\r?\n\r?\n/);
  const [requestLine = "", ...headerLines] = head.split(/\r?\n/);
  const [method = "", target = ""] = requestLine.split(" ");
  const headers = Object.fromEntries(
    headerLines
      .filter((line) => line.trim() !== "")
      .map((line) => {
        const at = line.indexOf(":");
        return [line.slice(0, at).trim(), line.slice(at + 1).trim()];
      }),
  );
  const body = rest.join("\n\n");
  return { method, target, headers, body: body.trim() === "" ? undefined : body };
}

const jsonType = (v: unknown) => (v === null ? "null" : Array.isArray(v) ? "array" : typeof v);

/**
 * Every field of the example is in the actual answer with the same JSON type, recursively (an array's
 * items are held to the example's first item). Paths in `pending` are skipped; at paths in `nullable`
 * null also passes. Returns the paths checked.
 */
export function assertSameShape(
  example: unknown,
  actual: unknown,
  pending: readonly string[] = [],
  nullable: readonly string[] = [],
  path = "(root)",
): string[] {
  if (pending.includes(path)) return [];
  if (actual === null && nullable.includes(path)) return [path];
  assert.equal(
    jsonType(actual),
    jsonType(example),
    `${path}: the contract has a ${jsonType(example)}, the API answered ${JSON.stringify(actual)}`,
  );
  const checked = [path];
  if (Array.isArray(example) && Array.isArray(actual) && example.length > 0) {
    assert.ok(actual.length > 0, `${path}: the contract shows items, the API answered none`);
    for (const [i, item] of actual.entries())
      checked.push(...assertSameShape(example[0], item, pending, nullable, `${path}[${i}]`));
  } else if (jsonType(example) === "object") {
    for (const [key, value] of Object.entries(example as Record<string, unknown>)) {
      const child = path === "(root)" ? key : `${path}.${key}`;
      if (pending.includes(child)) continue;
      assert.ok(
        key in (actual as Record<string, unknown>),
        `${child}: in the contract's example, missing from the answer`,
      );
      checked.push(
        ...assertSameShape(value, (actual as Record<string, unknown>)[key], pending, nullable, child),
      );
    }
  }
  return checked;
}
