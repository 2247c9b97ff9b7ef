/**
 * The eight trace types, verbatim from the contract's METRIC_TYPES. Clients send the key
 * (`"trace_type": "CUSTOM_TRACE"`); the lower-case value is the contract's name for the type.
 */
export const METRIC_TYPES = Object.freeze({
  HTTP_REQUEST: "http_request",
  DATABASE_QUERY: "database_query",
  EXTERNAL_API: "external_api",
  AI_GENERATION: "ai_generation",
  FILE_OPERATION: "file_operation",
  AUTHENTICATION: "authentication",
  CUSTOM_TRACE: "custom_trace",
  SYSTEM_RESOURCE: "system_resource",
} as const);

export type TraceType = keyof typeof METRIC_TYPES;

export const TRACE_TYPES: readonly TraceType[] = Object.freeze(Object.keys(METRIC_TYPES) as TraceType[]);

/** Used when a trace names no type, as the contract's decorator and middleware do. */
export const DEFAULT_TRACE_TYPE = "CUSTOM_TRACE" satisfies TraceType;
