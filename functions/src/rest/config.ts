/**
 * The REST API's abuse limits: the API_* variables (declared with their defaults and meanings in
 * config/index.ts), read when the first request arrives, as the shape the handler takes.
 */
import { SETTINGS } from "../config";
import { readSettings } from "../config/env-settings";

export interface ApiConfig {
  maxBodyBytes: number;
  rateLimit: { limit: number; windowMs: number; leaseSize: number };
  cors: { allowedOrigins: readonly string[] };
}

/** Every API_* variable's default. */
export const API_CONFIG_DEFAULTS = Object.freeze(readSettings(SETTINGS.api, {}));

/** Reads the configuration; an invalid value throws, naming the variable. */
export function apiConfigFromEnv(env: Readonly<Record<string, string | undefined>>): ApiConfig {
  // A variable set to nothing (`API_RATE_LIMIT=`) counts as unset.
  const parsed = readSettings(SETTINGS.api, env);
  return {
    maxBodyBytes: parsed.API_MAX_BODY_BYTES,
    rateLimit: {
      limit: parsed.API_RATE_LIMIT,
      windowMs: parsed.API_RATE_WINDOW_SECONDS * 1000,
      leaseSize: parsed.API_RATE_LEASE,
    },
    cors: { allowedOrigins: parsed.API_CORS_ORIGINS.map((o) => o.toLowerCase()) },
  };
}
