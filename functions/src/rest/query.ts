/**
 * Query strings carry only strings; the read schemas expect numbers where the callables get numbers.
 * This turns a query into the object the same core schema validates: the named numeric parameters
 * become numbers when they look like one (else they stay strings, and the schema rejects them naming the
 * parameter), a repeated parameter becomes an array (which the schema rejects), the rest stay strings.
 */
const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

export function queryInput(
  search: URLSearchParams,
  numeric: readonly string[] = [],
): Record<string, unknown> {
  // fromEntries defines own properties: assigning input["__proto__"] would set the object's prototype
  // (to the array of a repeated ?__proto__=) instead of adding a key the schema rejects by name.
  return Object.fromEntries(
    [...new Set(search.keys())].map((key) => {
      const values = search
        .getAll(key)
        .map((v) => (numeric.includes(key) && NUMBER.test(v.trim()) ? Number(v) : v));
      return [key, values.length === 1 ? values[0] : values];
    }),
  );
}
