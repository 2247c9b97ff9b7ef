/**
 * The shape of one REST endpoint, as data. Its own module because both the route table (routes.ts) and
 * the OpenAPI document built from that table (openapi.ts) read it.
 */
import type { z } from "zod";
import type { Caller } from "./auth";
import type { Method } from "./router";

/**
 * public: no token (the API description only); signed-in: the recording routes, for any Firebase user
 * (anonymous included) and for ingest keys; admin: the admin claim (never an ingest key).
 */
export type Access = "public" | "signed-in" | "admin";

export type RouteInput =
  | { from: "body"; schema: z.ZodType }
  /** `numeric`: query parameters converted to numbers before validation. */
  | { from: "query"; schema: z.ZodType; numeric?: readonly string[] };

export interface Route {
  method: Method;
  path: string;
  operationId: string;
  summary: string;
  description?: string;
  tag: "Traces" | "Analytics" | "Configuration" | "Testing" | "API";
  access: Access;
  /** Counted against the caller's recording rate limit. */
  rateLimited: boolean;
  input?: RouteInput;
  response: z.ZodType;
  /** Error statuses the service itself can answer with, beyond those implied by access and input. */
  serviceErrors: readonly number[];
  run(caller: Caller | undefined, input: unknown): Promise<unknown>;
}
