/**
 * Real ID tokens from the Auth emulator, the way docs/rest.md tells a curl user to get them: its REST
 * signUp / signInWithPassword endpoints (any API key works), and the admin claim set with the Admin SDK
 * (what `npm run admin -- grant` does).
 */
import { randomUUID } from "node:crypto";
import { deleteApp, initializeApp, type App } from "firebase-admin/app";
import { getAuth } from "firebase-admin/auth";
import type { Endpoint } from "../../support/emulators";
import { TEST_PROJECT_ID } from "../../support/firestore";

export interface TokenUser {
  uid: string;
  idToken: string;
}

async function identityToolkit(
  auth: Endpoint,
  method: string,
  body: Record<string, unknown>,
): Promise<{ localId: string; idToken: string }> {
  const res = await fetch(
    `http://${auth.host}:${auth.port}/identitytoolkit.googleapis.com/v1/accounts:${method}?key=any-api-key`,
    {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ ...body, returnSecureToken: true }),
    },
  );
  if (!res.ok) throw new Error(`Auth emulator ${method}: HTTP ${res.status} ${await res.text()}`);
  return (await res.json()) as { localId: string; idToken: string };
}

/** An anonymous user (what an app gets from signInAnonymously). */
export async function anonymousUser(auth: Endpoint): Promise<TokenUser> {
  const { localId, idToken } = await identityToolkit(auth, "signUp", {});
  return { uid: localId, idToken };
}

/** A password user with the admin claim, and a token minted after the claim was set. */
export async function adminUser(auth: Endpoint): Promise<TokenUser & { email: string; password: string }> {
  const email = `rest-admin-${randomUUID()}@example.com`;
  const password = "correct-horse-battery";
  const { localId } = await identityToolkit(auth, "signUp", { email, password });
  const app: App = initializeApp(
    { projectId: process.env.GCLOUD_PROJECT ?? TEST_PROJECT_ID },
    `rest-admin-${randomUUID()}`,
  );
  try {
    await getAuth(app).setCustomUserClaims(localId, { admin: true });
  } finally {
    await deleteApp(app);
  }
  const { idToken } = await identityToolkit(auth, "signInWithPassword", { email, password });
  return { uid: localId, idToken, email, password };
}
