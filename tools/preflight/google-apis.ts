/**
 * The Google APIs the online checks read, GET only, with the caller's access token. Each URL is the
 * documented REST resource; the project is also the quota project (x-goog-user-project), which user
 * credentials from `gcloud auth application-default login` need for Identity Toolkit and others.
 */

export interface ApiAnswer {
  status: number;
  body: unknown;
}
export type GoogleGet = (url: string) => Promise<ApiAnswer>;

export const GOOGLE_API_NAMES =
  "Cloud Billing, Service Usage, Identity Toolkit, Firestore, Firebase Rules, Firebase Hosting, Secret Manager";

const enc = encodeURIComponent;
export const API_URLS = {
  /** billingInfo.billingEnabled: true on the Blaze plan. */
  billing: (project: string) => `https://cloudbilling.googleapis.com/v1/projects/${enc(project)}/billingInfo`,
  /** services[].state ENABLED / DISABLED, at most 30 names a call. */
  services: (project: string, apis: readonly string[]) =>
    `https://serviceusage.googleapis.com/v1/projects/${enc(project)}/services:batchGet?${apis.map((a) => `names=${enc(`projects/${project}/services/${a}`)}`).join("&")}`,
  /** signIn.anonymous / email / phoneNumber .enabled; 404 CONFIGURATION_NOT_FOUND before Auth is set up. */
  authConfig: (project: string) =>
    `https://identitytoolkit.googleapis.com/admin/v2/projects/${enc(project)}/config`,
  /** defaultSupportedIdpConfigs[]: Google, Apple, ... sign-in, each with enabled. */
  idpConfigs: (project: string) =>
    `https://identitytoolkit.googleapis.com/admin/v2/projects/${enc(project)}/defaultSupportedIdpConfigs`,
  /** locationId, type (FIRESTORE_NATIVE / DATASTORE_MODE); 404 while there is no database. */
  database: (project: string, database: string) =>
    `https://firestore.googleapis.com/v1/projects/${enc(project)}/databases/${enc(database)}`,
  /** rulesetName of the rules in force; 404 while none were ever released. */
  rulesRelease: (project: string, database: string) =>
    `https://firebaserules.googleapis.com/v1/projects/${enc(project)}/releases/${database === "(default)" ? "cloud.firestore" : `cloud.firestore/${enc(database)}`}`,
  /** source.files[].content of a ruleset (its name is "projects/{p}/rulesets/{id}"). */
  ruleset: (rulesetName: string) => `https://firebaserules.googleapis.com/v1/${rulesetName}`,
  /** sites[] with type DEFAULT_SITE for the project's default site. */
  hostingSites: (project: string) =>
    `https://firebasehosting.googleapis.com/v1beta1/projects/${enc(project)}/sites`,
  /** release.version.config.rewrites and fileCount of what the site serves now. */
  liveChannel: (site: string) =>
    `https://firebasehosting.googleapis.com/v1beta1/sites/${enc(site)}/channels/live`,
  /** state ENABLED / DISABLED / DESTROYED of a secret's latest version; 404 when the secret does not exist. */
  secretVersion: (project: string, secret: string) =>
    `https://secretmanager.googleapis.com/v1/projects/${enc(project)}/secrets/${enc(secret)}/versions/latest`,
};

export function googleGet(token: string, quotaProject: string): GoogleGet {
  return async (url) => {
    const res = await fetch(url, {
      headers: { authorization: `Bearer ${token}`, "x-goog-user-project": quotaProject },
    });
    const text = await res.text();
    let body: unknown = text;
    try {
      body = JSON.parse(text);
    } catch {
      // not JSON (an HTML error page): keep the text for the message
    }
    return { status: res.status, body };
  };
}

/** The reason Google gives for a failed call, e.g. "PERMISSION_DENIED: ...". */
export function apiError(answer: ApiAnswer): string {
  const error = (answer.body as { error?: { status?: string; message?: string } } | undefined)?.error;
  if (error) return `${error.status ?? `HTTP ${answer.status}`}: ${error.message ?? ""}`.trim();
  return `HTTP ${answer.status}`;
}
