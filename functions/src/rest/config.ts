/**
 * The REST API's abuse limits, one validated config module. Plain environment variables (set them in
 * functions/.env or .env.<project-id>), read when the first request arrives; unset means the default.
 * Not firebase-functions params: a param without a value in .env makes `firebase deploy` prompt.
 *
 *   API_MAX_BODY_BYTES        request body cap in bytes (default 1 MiB; a 500-trace batch of
 *                             typical traces is ~150 KB)
 *   API_RATE_LIMIT            recording requests per user per window (default 120; 0 turns it off)
 *   API_RATE_WINDOW_SECONDS   the window (default 60)
 *   API_RATE_LEASE            requests an instance reserves per Firestore transaction (default 10; 1 is
 *                             exact, larger is cheaper, see rate-limit.ts)
 *   API_CORS_ORIGINS          comma-separated origins allowed to call from a browser, e.g.
 *                             "https://app.example.com,http://localhost:5173"; "*" allows any; default
 *                             none (same-origin apps behind the Hosting rewrite need none)
 */
import { z } from "zod";
import { readSettings, wholeNumberSetting } from "../config/env-settings";

export interface ApiConfig {
  maxBodyBytes: number;
  rateLimit: { limit: number; windowMs: number; leaseSize: number };
  cors: { allowedOrigins: readonly string[] };
}

export const API_CONFIG_DEFAULTS = Object.freeze({
  API_MAX_BODY_BYTES: 1_048_576,
  API_RATE_LIMIT: 120,
  API_RATE_WINDOW_SECONDS: 60,
  API_RATE_LEASE: 10,
  API_CORS_ORIGINS: "",
});

const origin = z
  .string()
  .regex(
    /^(\*|https?:\/\/[A-Za-z0-9.-]+(:\d{1,5})?)$/,
    'must be "*" or an origin such as https://app.example.com (no path)',
  );

const envSchema = z.object({
  API_MAX_BODY_BYTES: wholeNumberSetting(1_024, 32 * 1_048_576, API_CONFIG_DEFAULTS.API_MAX_BODY_BYTES),
  API_RATE_LIMIT: wholeNumberSetting(0, 1_000_000, API_CONFIG_DEFAULTS.API_RATE_LIMIT),
  API_RATE_WINDOW_SECONDS: wholeNumberSetting(1, 86_400, API_CONFIG_DEFAULTS.API_RATE_WINDOW_SECONDS),
  API_RATE_LEASE: wholeNumberSetting(1, 1_000, API_CONFIG_DEFAULTS.API_RATE_LEASE),
  API_CORS_ORIGINS: z
    .string()
    .optional()
    .transform((list) =>
      (list ?? API_CONFIG_DEFAULTS.API_CORS_ORIGINS)
        .split(",")
        .map((o) => o.trim())
        .filter((o) => o !== ""),
    )
    .pipe(z.array(origin)),
});

/** Reads the configuration; an invalid value throws, naming the variable. */
export function apiConfigFromEnv(env: Readonly<Record<string, string | undefined>>): ApiConfig {
  // A variable set to nothing (`API_RATE_LIMIT=`) counts as unset.
  const parsed = readSettings(envSchema, env);
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
