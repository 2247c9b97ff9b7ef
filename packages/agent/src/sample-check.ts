/**
 * The agent's own guard before a sample is buffered. Every number in a host sample is finite and
 * non-negative by the wire schema, and a NaN from a failed reading would get the whole batch refused
 * (HTTP 400), so such a sample is dropped here instead. (The zod schema itself is not bundled into the
 * agent: see build.mjs.)
 */
export function invalidNumberPath(value: unknown, path = ""): string | undefined {
  if (typeof value === "number") return Number.isFinite(value) && value >= 0 ? undefined : path || "(root)";
  if (value === null || typeof value !== "object") return undefined;
  for (const [key, item] of Object.entries(value)) {
    const found = invalidNumberPath(
      item,
      Array.isArray(value) ? `${path}[${key}]` : path ? `${path}.${key}` : key,
    );
    if (found) return found;
  }
  return undefined;
}
