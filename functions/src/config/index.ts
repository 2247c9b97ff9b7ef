/**
 * The functions' configuration: every knob, its default and its meaning, in this one module.
 * functions/.env lists the same knobs with the same defaults (functions/test/config-env.test.ts keeps
 * them equal); a project overrides them in .env.<alias> or .env.<project-id>. Four kinds:
 *   - params (defineInt), read at run time; `firebase deploy` resolves them from the .env files;
 *   - plain variables read as this module loads, where the value shapes the deploy itself (onCall's
 *     enforceAppCheck, onSchedule's schedule, the secrets bound to a function, maxInstances);
 *   - plain variables read per use through SETTINGS' zod schemas (env-settings.ts), so that a test can
 *     pass its own environment: the recording quotas, the health caps, the REST API's limits;
 *   - one secret, ALERT_WEBHOOK_URL.
 * Plain variables rather than params because a param without a value in .env makes `firebase deploy`
 * prompt. What admins change at run time (perf_config documents) is in thresholds-config.ts and
 * health-config.ts beside this module.
 */
import { defineInt, defineSecret } from "firebase-functions/params";
import * as z from "zod";
import { listSetting, readSettings, wholeNumberSetting } from "./env-settings";
import { DEFAULT_NAME_BUDGET_PER_TYPE } from "../aggregation/cardinality";
import { parseRecordingAccess } from "../admission/recording-access";

// ---- Params ----

export const TRACE_RETENTION_DAYS = defineInt("TRACE_RETENTION_DAYS", {
  default: 30,
  description: "Days a raw trace is kept before the Firestore TTL policy on expire_at deletes it.",
});

/** The cardinality budget (docs/aggregation.md): names per trace type per minute kept exactly; the rest fold into (other). */
export const AGGREGATE_NAME_BUDGET = defineInt("AGGREGATE_NAME_BUDGET", {
  default: DEFAULT_NAME_BUDGET_PER_TYPE,
  description:
    "Distinct names per trace type per minute with exact statistics; the rest are counted under (other).",
  input: {
    text: { validationRegex: "^[1-9][0-9]{1,3}$", validationErrorMessage: "a whole number from 10 to 9999" },
  },
});

export const ABANDON_AFTER_MINUTES = defineInt("ABANDON_AFTER_MINUTES", {
  default: 60,
  description: "Minutes after which a started, never stopped trace is marked abandoned.",
});

/** Days a resolved alert is kept in the history before the Firestore TTL policy on expire_at deletes it. */
export const ALERT_RETENTION_DAYS = defineInt("ALERT_RETENTION_DAYS", {
  default: 90,
  description: "Days a resolved alert is kept in the alert history.",
});

// ---- Plain variables read as this module loads ----

/** What each of these variables means when unset or blank. */
export const LOAD_TIME_DEFAULTS = Object.freeze({
  /** App Check for callables and the REST API: true, false, or auto (on unless the project is a demo- one). */
  ENFORCE_APP_CHECK: "auto",
  /** Who may record (admission/recording-access.ts): signed-in, non-anonymous or claim:<name>. */
  RECORDING_ACCESS: "signed-in",
  /** Minutes between health evaluations (1-60). */
  HEALTH_EVALUATION_INTERVAL_MINUTES: "1",
  /** "true" posts alert notifications to the ALERT_WEBHOOK_URL secret's webhook. */
  ALERT_WEBHOOK_ENABLED: "false",
});

const atLoad = (name: keyof typeof LOAD_TIME_DEFAULTS, env: NodeJS.ProcessEnv = process.env): string =>
  env[name] || LOAD_TIME_DEFAULTS[name];

/**
 * Reject recording and read requests without a valid App Check token: callables (onCall's
 * enforceAppCheck) and the REST API (X-Firebase-AppCheck). auto: on for a deployed project, off for a
 * demo- project (the emulators).
 */
export const ENFORCE_APP_CHECK = appCheckEnforced(process.env);

/** ENFORCE_APP_CHECK's meaning for an environment (see above); exported for its tests. */
export function appCheckEnforced(env: NodeJS.ProcessEnv): boolean {
  const text = atLoad("ENFORCE_APP_CHECK", env).trim();
  if (text === "true") return true;
  if (text === "false") return false;
  if (text !== "" && text !== "auto")
    throw new Error(`ENFORCE_APP_CHECK must be true, false or auto, not "${text}"`);
  return !projectIdOf(env).startsWith("demo-");
}

/** The project being served or deployed; "" when unknown (then App Check, on auto, is enforced). */
function projectIdOf(env: NodeJS.ProcessEnv): string {
  if (env.GCLOUD_PROJECT) return env.GCLOUD_PROJECT;
  try {
    return (JSON.parse(env.FIREBASE_CONFIG ?? "{}") as { projectId?: string }).projectId ?? "";
  } catch {
    return "";
  }
}

export const RECORDING_ACCESS = parseRecordingAccess(atLoad("RECORDING_ACCESS"));

/** onSchedule takes its schedule as a string when the module loads, i.e. at deploy. */
export const HEALTH_EVALUATION_SCHEDULE = everyMinutes(
  "HEALTH_EVALUATION_INTERVAL_MINUTES",
  atLoad("HEALTH_EVALUATION_INTERVAL_MINUTES"),
);

function everyMinutes(name: string, text: string): string {
  const minutes = Number(text);
  if (!Number.isInteger(minutes) || minutes < 1 || minutes > 60)
    throw new Error(`${name} must be a whole number of minutes from 1 to 60, not "${text}"`);
  return `every ${minutes} minutes`;
}

/**
 * Alert notifications are optional: only while ALERT_WEBHOOK_ENABLED is "true" is the ALERT_WEBHOOK_URL
 * secret declared and bound to sendAlertNotification. A declared secret must exist in Secret Manager
 * before any deploy (firebase-functions lists every defineSecret in the deploy manifest, bound or not,
 * and a non-interactive `firebase deploy` stops at a missing one), so a project without a webhook
 * deploys without one. Fixed at deploy: `secrets` is read when the module loads. Alerts are recorded
 * either way; without a webhook each notification is marked skipped.
 */
export const ALERT_WEBHOOK_ENABLED = onOrOff("ALERT_WEBHOOK_ENABLED", atLoad("ALERT_WEBHOOK_ENABLED"));

function onOrOff(name: string, text: string): boolean {
  if (text === "false") return false;
  if (text === "true") return true;
  throw new Error(`${name} must be "true" or "false", not "${text}"`);
}

// ---- Plain variables read through a schema (unset or blank: the default given here) ----

export const SETTINGS = {
  /** Read as this module loads (setGlobalOptions, onCall). */
  limits: z.object({
    /** Instances per function at most (setGlobalOptions): a flood costs at most this many instances' time. */
    FUNCTIONS_MAX_INSTANCES: wholeNumberSetting(1, 1_000, 20),
    /** The largest callable request body accepted, in bytes (a 500-trace batch of typical traces is ~150 KB). */
    CALLABLE_MAX_BODY_BYTES: wholeNumberSetting(1_024, 32 * 1_048_576, 1_048_576),
  }),

  /**
   * The recording quotas in traces (admission/quota-plan.ts), 0 turning one off. Units are traces: a
   * recordTraces call of 500 traces takes 500, startTrace / stopTrace / addMetric take 1 each.
   */
  quotas: z.object({
    /** Per signed-in principal per minute (500/s). */
    QUOTA_TRACES_PER_MINUTE: wholeNumberSetting(0, 10_000_000, 30_000),
    /** Per signed-in principal per UTC day. */
    QUOTA_TRACES_PER_DAY: wholeNumberSetting(0, 1_000_000_000, 5_000_000),
    /** Per anonymous principal per minute (20/s): anonymous accounts cost nothing to create. */
    QUOTA_ANONYMOUS_TRACES_PER_MINUTE: wholeNumberSetting(0, 10_000_000, 1_200),
    /** Per anonymous principal per UTC day. */
    QUOTA_ANONYMOUS_TRACES_PER_DAY: wholeNumberSetting(0, 1_000_000_000, 100_000),
    /** Per ingest key per minute (1,000/s, a busy backend). */
    QUOTA_INGEST_KEY_TRACES_PER_MINUTE: wholeNumberSetting(0, 10_000_000, 60_000),
    /** Per ingest key per UTC day. */
    QUOTA_INGEST_KEY_TRACES_PER_DAY: wholeNumberSetting(0, 1_000_000_000, 20_000_000),
    /** All principals together per minute, the bill's guard (2,000/s). */
    QUOTA_PROJECT_TRACES_PER_MINUTE: wholeNumberSetting(0, 100_000_000, 120_000),
    /** Traces an instance reserves per Firestore transaction. */
    QUOTA_LEASE_TRACES: wholeNumberSetting(1, 100_000, 500),
  }),

  /** Whose traces steer health and alerts (admission/health-sources.ts). */
  healthSources: z.object({
    /** signed-in (anonymous never), trusted (the trusted_source claim or a trusted ingest key only) or all. */
    HEALTH_SOURCES: z
      .enum(["signed-in", "trusted", "all"])
      .optional()
      .transform((v) => v ?? "signed-in"),
    /** Traces an hour an untrusted counted principal contributes at most. */
    HEALTH_PRINCIPAL_TRACES_PER_HOUR: wholeNumberSetting(0, 1_000_000, 200),
    /** Slow traces an hour an untrusted counted principal contributes at most (half the default alert threshold). */
    HEALTH_PRINCIPAL_SLOW_PER_HOUR: wholeNumberSetting(0, 1_000_000, 5),
  }),

  /** The REST API's abuse limits (rest/config.ts), read when the first request arrives. */
  api: z.object({
    /** Request body cap in bytes (a 500-trace batch of typical traces is ~150 KB). */
    API_MAX_BODY_BYTES: wholeNumberSetting(1_024, 32 * 1_048_576, 1_048_576),
    /** Recording requests per user per window; 0 turns the limit off. */
    API_RATE_LIMIT: wholeNumberSetting(0, 1_000_000, 120),
    /** The rate limit's window in seconds. */
    API_RATE_WINDOW_SECONDS: wholeNumberSetting(1, 86_400, 60),
    /** Requests an instance reserves per Firestore transaction: 1 is exact, larger is cheaper (rest/rate-limit.ts). */
    API_RATE_LEASE: wholeNumberSetting(1, 1_000, 10),
    /**
     * Origins allowed to call from a browser, comma-separated (e.g.
     * "https://app.example.com,http://localhost:5173"; "*" allows any). Default none: same-origin apps
     * behind the Hosting rewrite need none.
     */
    API_CORS_ORIGINS: listSetting(
      z
        .string()
        .regex(
          /^(\*|https?:\/\/[A-Za-z0-9.-]+(:\d{1,5})?)$/,
          'must be "*" or an origin such as https://app.example.com (no path)',
        ),
      "",
    ),
  }),
};

const limits = readSettings(SETTINGS.limits, process.env);
export const FUNCTIONS_MAX_INSTANCES = limits.FUNCTIONS_MAX_INSTANCES;
export const CALLABLE_MAX_BODY_BYTES = limits.CALLABLE_MAX_BODY_BYTES;

// ---- The secret ----

/**
 * Where notifications are posted (a Slack incoming webhook or anything accepting `{text}`): a secret,
 * because such a URL is itself the credential. A bound secret reaches the function as the environment
 * variable of its name; unbound, the URL is "" and notifications are skipped, as they are for any value
 * that is not an http(s) URL (e.g. `disabled`).
 */
export const ALERT_WEBHOOK_URL = {
  name: "ALERT_WEBHOOK_URL",
  value: (): string => process.env.ALERT_WEBHOOK_URL ?? "",
};

/** The `secrets` of sendAlertNotification: the webhook secret when notifications are on, else none. */
export const ALERT_WEBHOOK_SECRETS = ALERT_WEBHOOK_ENABLED
  ? [
      defineSecret(ALERT_WEBHOOK_URL.name, {
        description:
          "Alert webhook URL (e.g. a Slack incoming webhook). Set it with `npx firebase functions:secrets:set ALERT_WEBHOOK_URL`; used while ALERT_WEBHOOK_ENABLED=true.",
      }),
    ]
  : [];
