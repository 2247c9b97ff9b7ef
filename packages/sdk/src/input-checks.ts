/**
 * Local validation with the core's wire schemas, cheap enough for the hot path: names and keys repeat
 * (constant trace names, route patterns, attribute keys), so each distinct string is parsed by its
 * schema once and remembered; values get the core's predicate for the same rule, and the schema runs
 * only to word the error. Each check returns undefined when the input is valid, so the valid path
 * allocates nothing.
 */
import {
  TRACE_TYPES,
  ValidationError,
  attributesSchema,
  isAttributeValue,
  isMetricValue,
  metricsSchema,
  parseRequest,
  traceNameSchema,
  traceTypeSchema,
} from "@aideon-perf/core";

type WireSchema = Parameters<typeof parseRequest>[0];

/** Strings remembered as valid per kind; past this the memory is cleared, so any input stays bounded. */
const REMEMBERED_MAX = 1024;

class ValidStrings {
  private readonly known = new Set<string>();

  has(value: string): boolean {
    return this.known.has(value);
  }

  remember(value: string): void {
    if (this.known.size >= REMEMBERED_MAX) this.known.clear();
    this.known.add(value);
  }
}

const validNames = new ValidStrings();
const validAttributeKeys = new ValidStrings();
const validMetricNames = new ValidStrings();
const traceTypes = new Set<unknown>(TRACE_TYPES);
// Bound once: a call through the core module's re-exports would look the function up on every check.
const attributeValueOk = isAttributeValue;
const metricValueOk = isMetricValue;

/** The core's error for `data`, with its field placed under `field` (`attributes.region`, `name`...). */
function schemaError(schema: WireSchema, data: unknown, field: string): ValidationError | undefined {
  try {
    parseRequest(schema, data);
    return undefined;
  } catch (error) {
    if (!(error instanceof ValidationError)) throw error;
    return new ValidationError(error.field === "(root)" ? field : `${field}.${error.field}`, error.reason);
  }
}

function checkName(names: ValidStrings, name: unknown, field: string): ValidationError | undefined {
  if (typeof name === "string" && names.has(name)) return undefined;
  const error = schemaError(traceNameSchema, name, field);
  if (!error) names.remember(name as string);
  return error;
}

export const checkTraceName = (name: unknown): ValidationError | undefined =>
  checkName(validNames, name, "name");

export function checkTraceType(traceType: unknown): ValidationError | undefined {
  return traceTypes.has(traceType) ? undefined : schemaError(traceTypeSchema, traceType, "trace_type");
}

export function checkAttribute(key: string, value: unknown): ValidationError | undefined {
  if (validAttributeKeys.has(key) && attributeValueOk(value)) return undefined;
  const error = schemaError(attributesSchema, { [key]: value }, "attributes");
  if (!error) validAttributeKeys.remember(key);
  return error;
}

export function checkMetric(name: string, value: unknown): ValidationError | undefined {
  if (validMetricNames.has(name) && metricValueOk(value)) return undefined;
  const error = schemaError(metricsSchema, { [name]: value }, "metrics");
  if (!error) validMetricNames.remember(name);
  return error;
}

export const tooMany = (field: "attributes" | "metrics", max: number): ValidationError =>
  new ValidationError(field, `must have at most ${max} entries`);
