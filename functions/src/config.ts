import { defineInt } from "firebase-functions/params";

/**
 * Deploy-time configuration, set per project in functions/.env (or .env.<project>), read at run time.
 * One module so that every knob and its default is visible in one place.
 */
export const TRACE_RETENTION_DAYS = defineInt("TRACE_RETENTION_DAYS", {
  default: 30,
  description: "Days a raw trace is kept before the Firestore TTL policy on expire_at deletes it.",
});

/**
 * Reject callable requests without a valid App Check token. A plain environment variable rather than a
 * param: firebase-functions evaluates onCall's enforceAppCheck when the module loads, where a param's
 * value() is only meaningful at run time.
 */
export const ENFORCE_APP_CHECK = process.env.ENFORCE_APP_CHECK === "true";

export const ABANDON_AFTER_MINUTES = defineInt("ABANDON_AFTER_MINUTES", {
  default: 60,
  description: "Minutes after which a started, never stopped trace is marked abandoned.",
});
