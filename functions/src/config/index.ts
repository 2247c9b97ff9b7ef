import { defineInt, defineSecret } from "firebase-functions/params";
import * as z from "zod";
import { readSettings, wholeNumberSetting } from "./env-settings";
import { DEFAULT_NAME_BUDGET_PER_TYPE } from "../aggregation/cardinality";
import { parseRecordingAccess } from "../admission/recording-access";

/**
 * Deploy-time configuration, set per project in functions/.env (or .env.<project>), read at run time.
 * One module so that every knob and its default is visible in one place.
 */
export const TRACE_RETENTION_DAYS = defineInt("TRACE_RETENTION_DAYS", {
  default: 30,
  description: "Days a raw trace is kept before the Firestore TTL policy on expire_at deletes it.",
});

/**
 * Reject recording and read requests without a valid App Check token: callables (onCall's
 * enforceAppCheck) and the REST API (X-Firebase-AppCheck). ENFORCE_APP_CHECK=true or false, or auto (the
 * default): on for a deployed project, off for a demo- project (the emulators). A plain environment
 * variable rather than a param: onCall's enforceAppCheck is read when the module loads.
 */
export const ENFORCE_APP_CHECK = appCheckEnforced(process.env);

const limits = readSettings(
  z.object({
    /** Instances per function at most (setGlobalOptions): a flood costs at most this many instances' time. */
    FUNCTIONS_MAX_INSTANCES: wholeNumberSetting(1, 1_000, 20),
    /** The largest callable request body accepted, in bytes (a 500-trace batch of typical traces is ~150 KB). */
    CALLABLE_MAX_BODY_BYTES: wholeNumberSetting(1_024, 32 * 1_048_576, 1_048_576),
  }),
  process.env,
);
export const FUNCTIONS_MAX_INSTANCES = limits.FUNCTIONS_MAX_INSTANCES;
export const CALLABLE_MAX_BODY_BYTES = limits.CALLABLE_MAX_BODY_BYTES;

/** ENFORCE_APP_CHECK's meaning for an environment (see above); exported for its tests. */
export function appCheckEnforced(env: NodeJS.ProcessEnv): boolean {
  const text = (env.ENFORCE_APP_CHECK ?? "").trim();
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

/** The cardinality budget (docs/aggregation.md): names per trace type per minute kept exactly; the rest fold into (other). */
export const AGGREGATE_NAME_BUDGET = defineInt("AGGREGATE_NAME_BUDGET", {
  default: DEFAULT_NAME_BUDGET_PER_TYPE,
  description:
    "Distinct names per trace type per minute with exact statistics; the rest are counted under (other).",
  input: {
    text: { validationRegex: "^[1-9][0-9]{1,3}$", validationErrorMessage: "a whole number from 10 to 9999" },
  },
});

/** Who may record (admission/recording-access.ts): signed-in (default), non-anonymous or claim:<name>. Read at load. */
export const RECORDING_ACCESS = parseRecordingAccess(process.env.RECORDING_ACCESS);

export const ABANDON_AFTER_MINUTES = defineInt("ABANDON_AFTER_MINUTES", {
  default: 60,
  description: "Minutes after which a started, never stopped trace is marked abandoned.",
});

/** Days a resolved alert is kept in the history before the Firestore TTL policy on expire_at deletes it. */
export const ALERT_RETENTION_DAYS = defineInt("ALERT_RETENTION_DAYS", {
  default: 90,
  description: "Days a resolved alert is kept in the alert history.",
});

/**
 * Alert notifications are optional: off unless ALERT_WEBHOOK_ENABLED is "true" (functions/.env.<alias>).
 * Only then is the ALERT_WEBHOOK_URL secret declared and bound to sendAlertNotification. A declared
 * secret must exist in Secret Manager before any deploy (firebase-functions lists every defineSecret in
 * the deploy manifest, bound or not, and a non-interactive `firebase deploy` stops at a missing one), so
 * a project without a webhook deploys without one. Fixed at deploy: `secrets` is read when the module
 * loads. Alerts are recorded either way; without a webhook each notification is marked skipped.
 */
export const ALERT_WEBHOOK_ENABLED = onOrOff("ALERT_WEBHOOK_ENABLED", process.env.ALERT_WEBHOOK_ENABLED);

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

/**
 * Minutes between health evaluations (1-60, default 1). A plain environment variable rather than a
 * param: onSchedule takes its schedule as a string when the module loads, i.e. at deploy.
 */
export const HEALTH_EVALUATION_SCHEDULE = everyMinutes(
  "HEALTH_EVALUATION_INTERVAL_MINUTES",
  process.env.HEALTH_EVALUATION_INTERVAL_MINUTES,
);

function everyMinutes(name: string, text: string | undefined): string {
  const minutes = text === undefined || text === "" ? 1 : Number(text);
  if (!Number.isInteger(minutes) || minutes < 1 || minutes > 60)
    throw new Error(`${name} must be a whole number of minutes from 1 to 60, not "${text}"`);
  return `every ${minutes} minutes`;
}

function onOrOff(name: string, text: string | undefined): boolean {
  if (text === undefined || text === "" || text === "false") return false;
  if (text === "true") return true;
  throw new Error(`${name} must be "true" or "false", not "${text}"`);
}
