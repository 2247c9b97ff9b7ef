/**
 * Application default credentials for the online checks. The file is looked up the way Google's auth
 * library does (GOOGLE_APPLICATION_CREDENTIALS, else gcloud's well-known file) before anything else, so
 * that without one nothing leaves the machine: the library would otherwise probe the GCE metadata server.
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { applicationDefault } from "firebase-admin/app";

export type CredentialsLookup = { found: true; path: string } | { found: false; reason: string };

/** Where the credentials file is, or why there is none. Pure: environment, platform and home come in. */
export function findCredentialsFile(
  env: NodeJS.ProcessEnv,
  platform: NodeJS.Platform,
  home: string,
  exists: (path: string) => boolean,
): CredentialsLookup {
  const explicit = env.GOOGLE_APPLICATION_CREDENTIALS;
  if (explicit) {
    return exists(explicit)
      ? { found: true, path: explicit }
      : { found: false, reason: `GOOGLE_APPLICATION_CREDENTIALS names ${explicit}, which does not exist` };
  }
  const configDir =
    platform === "win32" ? join(env.APPDATA ?? home, "gcloud") : join(home, ".config", "gcloud");
  const wellKnown = join(configDir, "application_default_credentials.json");
  return exists(wellKnown)
    ? { found: true, path: wellKnown }
    : {
        found: false,
        reason: `no application default credentials (GOOGLE_APPLICATION_CREDENTIALS is unset and ${wellKnown} does not exist)`,
      };
}

export const lookUpCredentials = (env: NodeJS.ProcessEnv, home: string): CredentialsLookup =>
  findCredentialsFile(env, process.platform, home, existsSync);

/** An OAuth access token from those credentials (firebase-admin's application default credential). */
export async function accessToken(): Promise<string> {
  return (await applicationDefault().getAccessToken()).access_token;
}
