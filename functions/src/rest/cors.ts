/**
 * CORS, pure: which headers an answer carries for a request's Origin. Allowed origins are configured
 * (API_CORS_ORIGINS, default none). Callers authenticate with a bearer token, never cookies, so
 * credentials are not allowed and a listed "*" is safe; the origin is echoed, never "*", with Vary.
 */
export interface CorsConfig {
  /** Lower-case origins, or "*" for any. */
  allowedOrigins: readonly string[];
}

export const CORS_ALLOWED_HEADERS = "Authorization, Content-Type";
export const CORS_MAX_AGE_SECONDS = 600;

export function originAllowed(origin: string | undefined, config: CorsConfig): origin is string {
  if (origin === undefined || origin === "") return false;
  return config.allowedOrigins.includes("*") || config.allowedOrigins.includes(origin.toLowerCase());
}

/** Headers for an actual request (not a preflight). */
export function corsHeaders(origin: string | undefined, config: CorsConfig): Record<string, string> {
  if (config.allowedOrigins.length === 0) return {};
  if (!originAllowed(origin, config)) return { Vary: "Origin" };
  return {
    "Access-Control-Allow-Origin": origin,
    "Access-Control-Expose-Headers": "Retry-After",
    Vary: "Origin",
  };
}

/** Headers for a preflight (OPTIONS): none when the origin is not allowed, so the browser stops there. */
export function preflightHeaders(
  origin: string | undefined,
  config: CorsConfig,
  allowMethods: readonly string[],
): Record<string, string> {
  if (!originAllowed(origin, config)) return config.allowedOrigins.length === 0 ? {} : { Vary: "Origin" };
  return {
    "Access-Control-Allow-Origin": origin,
    "Access-Control-Allow-Methods": allowMethods.join(", "),
    "Access-Control-Allow-Headers": CORS_ALLOWED_HEADERS,
    "Access-Control-Max-Age": String(CORS_MAX_AGE_SECONDS),
    Vary: "Origin",
  };
}
