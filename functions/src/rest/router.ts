/**
 * Path and method matching, pure. Paths are exact (no trailing slash, no percent-decoding): the API has
 * a handful of fixed endpoints under one prefix, and anything else is a 404 the caller can see.
 */

/** Every endpoint lives under this path, behind the Hosting rewrite of /api/** to the `api` function. */
export const API_PREFIX = "/api/v1/performance/";

export type Method = "GET" | "POST" | "PUT";

export interface RouteKey {
  method: Method;
  /** Relative to API_PREFIX, e.g. "start-trace". */
  path: string;
}

export type RouteMatch<R extends RouteKey> =
  | { kind: "route"; route: R }
  /** A CORS preflight or a client asking what a path allows. */
  | { kind: "options"; allow: string[] }
  | { kind: "method-not-allowed"; allow: string[] }
  | { kind: "not-found" };

export function matchRoute<R extends RouteKey>(
  routes: readonly R[],
  method: string | undefined,
  pathname: string,
): RouteMatch<R> {
  if (!pathname.startsWith(API_PREFIX)) return { kind: "not-found" };
  const path = pathname.slice(API_PREFIX.length);
  const atPath = routes.filter((r) => r.path === path);
  if (atPath.length === 0) return { kind: "not-found" };
  const route = atPath.find((r) => r.method === method);
  if (route) return { kind: "route", route };
  const allow = [...atPath.map((r) => r.method), "OPTIONS"];
  return method === "OPTIONS" ? { kind: "options", allow } : { kind: "method-not-allowed", allow };
}
