/**
 * The OpenAPI 3.1 document of the REST API, generated from the route table and the same zod schemas
 * that validate requests and describe responses (z.toJSONSchema; OpenAPI 3.1 uses JSON Schema 2020-12,
 * zod's default target). Request schemas are described as input (defaults make fields optional),
 * responses as output.
 */
import { z } from "zod";
import { apiErrorResponseSchema } from "@aideon-perf/core";
import type { Route } from "./route";
import { API_PREFIX } from "./router";

export const OPENAPI_VERSION = "3.1.0";

/** What GET openapi.json answers: the parts clients and the tests rely on, the rest passes through. */
export const openApiDocumentSchema = z.looseObject({
  openapi: z.literal(OPENAPI_VERSION),
  info: z.looseObject({ title: z.string(), version: z.string() }),
  paths: z.record(z.string(), z.record(z.string(), z.looseObject({ operationId: z.string() }))),
});
export type OpenApiDocument = z.output<typeof openApiDocumentSchema>;

type JsonSchema = Record<string, unknown>;

function jsonSchema(schema: z.ZodType, io: "input" | "output"): JsonSchema {
  // The dialect is the document's (OpenAPI 3.1 is JSON Schema 2020-12): no $schema per schema.
  const described = z.toJSONSchema(schema, { io, unrepresentable: "any" }) as JsonSchema;
  delete described.$schema;
  return described;
}

const STATUS_TEXT: Record<number, string> = {
  400: "Invalid request: `field` names the offending input",
  401: "Missing, invalid or expired ID token",
  403: "Not allowed: the admin claim is needed, or the trace is another user's",
  404: "No such trace",
  409: "The trace is no longer active",
  413: "Body larger than the configured cap",
  415: "Body is not application/json",
  429: "Recording rate limit reached; see Retry-After",
};

function errorStatuses(route: Route): number[] {
  const statuses = new Set<number>(route.serviceErrors);
  if (route.input) statuses.add(400);
  if (route.input?.from === "body") [413, 415].forEach((s) => statuses.add(s));
  if (route.access !== "public") statuses.add(401);
  if (route.access === "admin") statuses.add(403);
  if (route.rateLimited) statuses.add(429);
  return [...statuses].sort((a, b) => a - b);
}

function queryParameters(schema: z.ZodType) {
  const described = jsonSchema(schema, "input") as {
    properties?: Record<string, JsonSchema>;
    required?: string[];
  };
  return Object.entries(described.properties ?? {}).map(([name, property]) => ({
    name,
    in: "query",
    required: described.required?.includes(name) ?? false,
    schema: property,
  }));
}

function operation(route: Route) {
  const errorRef = { $ref: "#/components/responses/Error" };
  return {
    operationId: route.operationId,
    summary: route.summary,
    ...(route.description ? { description: route.description } : {}),
    tags: [route.tag],
    security: route.access === "public" ? [] : [{ firebaseIdToken: [] }],
    ...(route.input?.from === "query" ? { parameters: queryParameters(route.input.schema) } : {}),
    ...(route.input?.from === "body"
      ? {
          requestBody: {
            required: true,
            content: { "application/json": { schema: jsonSchema(route.input.schema, "input") } },
          },
        }
      : {}),
    responses: {
      "200": {
        description: "Success",
        content: { "application/json": { schema: jsonSchema(route.response, "output") } },
      },
      ...Object.fromEntries(
        errorStatuses(route).map((status) => [
          String(status),
          { ...errorRef, description: STATUS_TEXT[status] },
        ]),
      ),
      default: errorRef,
    },
  };
}

export function openApiDocument(routes: readonly Route[]): OpenApiDocument {
  const paths: Record<string, Record<string, ReturnType<typeof operation>>> = {};
  for (const route of routes) {
    (paths[`${API_PREFIX}${route.path}`] ??= {})[route.method.toLowerCase()] = operation(route);
  }
  return {
    openapi: OPENAPI_VERSION,
    info: {
      title: "aideon-perf REST API",
      version: "1.0.0",
      description:
        "The contract's performance API (/api/v1/performance/...), served by the `api` Cloud Function behind a Firebase Hosting rewrite. " +
        "Authenticate with `Authorization: Bearer <Firebase ID token>`: recording needs any signed-in user (anonymous included), " +
        "reads, configuration and benchmarks the custom claim admin: true. Errors are {success: false, error: {code, message, field?}}.",
    },
    servers: [{ url: "/" }],
    tags: [
      { name: "Traces", description: "Recording (any signed-in user; rate limited per user)" },
      { name: "Analytics", description: "Aggregated statistics (admin)" },
      { name: "Configuration", description: "Trace types and thresholds (admin)" },
      { name: "Testing", description: "Benchmarks (admin)" },
      { name: "API", description: "This description" },
    ],
    paths,
    components: {
      securitySchemes: {
        firebaseIdToken: {
          type: "http",
          scheme: "bearer",
          bearerFormat: "JWT",
          description: "A Firebase Auth ID token",
        },
      },
      responses: {
        Error: {
          description: "An error",
          content: { "application/json": { schema: jsonSchema(apiErrorResponseSchema, "output") } },
        },
      },
    },
  };
}
