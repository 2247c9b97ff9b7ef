import * as z from "zod";

/** Bad input, naming the offending field so callers can answer `invalid-argument` / HTTP 400. */
export class ValidationError extends Error {
  override readonly name = "ValidationError";
  /** Dotted/indexed path such as `traces[3].duration`, or `(root)` for the request itself. */
  readonly field: string;
  /** What is wrong with the field, without its name (`must be at most 100 characters`). */
  readonly reason: string;

  constructor(field: string, reason: string) {
    super(`${field}: ${reason}`);
    this.field = field;
    this.reason = reason;
  }
}

/** Parses `data` with `schema`, or throws a ValidationError for the first problem found. */
export function parseRequest<S extends z.ZodType>(schema: S, data: unknown): z.output<S> {
  const result = z.safeParse(schema, data, { error: describeIssue });
  if (result.success) return result.data;
  // zod reports at least one issue on failure.
  const issue = result.error.issues[0] as z.core.$ZodIssue;
  const path = issue.code === "unrecognized_keys" ? [...issue.path, issue.keys[0] ?? ""] : issue.path;
  throw new ValidationError(formatPath(path), issue.message);
}

function formatPath(path: readonly PropertyKey[]): string {
  if (path.length === 0) return "(root)";
  return path
    .map((segment, index) => {
      if (typeof segment === "number") return `[${segment}]`;
      const key = segment === "" ? '""' : String(segment);
      return index === 0 ? key : `.${key}`;
    })
    .join("");
}

// Plain English for zod's generic issues; schema-specific messages are set in the schemas
// and take precedence over this map.
const EXPECTED: Readonly<Record<string, string>> = {
  string: "a string",
  number: "a finite number",
  int: "a whole number",
  boolean: "a boolean",
  object: "an object",
  record: "an object",
  array: "an array",
};

function describeValue(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  if (typeof value === "number") return Number.isFinite(value) ? `the number ${value}` : String(value);
  if (typeof value === "object") return "an object";
  return `a ${typeof value}`;
}

function describeIssue(issue: z.core.$ZodRawIssue): string | undefined {
  switch (issue.code) {
    case "invalid_type":
      if (issue.input === undefined) return "is required";
      return `must be ${EXPECTED[issue.expected] ?? issue.expected}, not ${describeValue(issue.input)}`;
    case "too_big":
      return describeBound("at most", issue.origin, issue.maximum, issue.inclusive);
    case "too_small":
      if (issue.origin === "string" && issue.minimum === 1) return "must not be empty";
      return describeBound("at least", issue.origin, issue.minimum, issue.inclusive);
    case "invalid_value":
      return `must be one of ${issue.values.map(String).join(", ")}`;
    case "unrecognized_keys":
      return "is not an allowed field";
    case "invalid_key":
      return `key ${issue.issues[0]?.message ?? "is not allowed"}`;
    case "invalid_union":
      return "does not match any accepted form";
    default:
      return undefined;
  }
}

function describeBound(
  comparison: "at most" | "at least",
  origin: string,
  bound: number | bigint,
  inclusive: boolean | undefined,
): string | undefined {
  switch (origin) {
    case "string":
      return `must be ${comparison} ${bound} characters long`;
    case "array":
      return `must contain ${comparison} ${bound} item${bound === 1 ? "" : "s"}`;
    case "number":
      if (inclusive === false)
        return `must be ${comparison === "at most" ? "less" : "greater"} than ${bound}`;
      return `must be ${comparison} ${bound}`;
    default:
      return undefined;
  }
}
