/**
 * The real Firebase client SDK (firebase/app, firebase/auth, firebase/functions) connected to the
 * emulators, as an app developer would use it. Each client is a separate app with its own user.
 */
import { deleteApp, initializeApp, type FirebaseApp } from "firebase/app";
import { randomUUID } from "node:crypto";
import { getAuth as getAdminAuth } from "firebase-admin/auth";
import {
  connectAuthEmulator,
  getAuth,
  signInAnonymously,
  signInWithEmailAndPassword,
  type Auth,
} from "firebase/auth";
import { connectFunctionsEmulator, getFunctions, httpsCallable, type Functions } from "firebase/functions";
import { adminDb, TEST_PROJECT_ID } from "./firestore";
import type { RunningEmulators } from "./emulators";

let clients = 0;

export interface Client {
  app: FirebaseApp;
  auth: Auth;
  functions: Functions;
  call<T = Record<string, unknown>>(name: string, data: unknown): Promise<T>;
  close(): Promise<void>;
}

export function createClient(emulators: RunningEmulators): Client {
  const app = initializeApp(
    { projectId: TEST_PROJECT_ID, apiKey: "demo-api-key", appId: "demo-app" },
    `client-${++clients}`,
  );
  const auth = getAuth(app);
  connectAuthEmulator(auth, `http://${emulators.auth!.host}:${emulators.auth!.port}`, {
    disableWarnings: true,
  });
  const functions = getFunctions(app);
  connectFunctionsEmulator(functions, emulators.functions!.host, emulators.functions!.port);
  return {
    app,
    auth,
    functions,
    call: async <T>(name: string, data: unknown) =>
      (await httpsCallable<unknown, T>(functions, name)(data)).data,
    close: () => deleteApp(app),
  };
}

export async function signedInClient(emulators: RunningEmulators): Promise<Client & { uid: string }> {
  const client = createClient(emulators);
  const { user } = await signInAnonymously(client.auth);
  return { ...client, uid: user.uid };
}

/** A signed-in client whose ID token carries the admin claim, as `npm run admin -- grant` makes one. */
export async function adminClient(emulators: RunningEmulators): Promise<Client & { uid: string }> {
  adminDb(); // the default Admin app, whose Auth talks to the emulator via FIREBASE_AUTH_EMULATOR_HOST
  const email = `admin-${randomUUID()}@example.com`;
  const password = "admin-password";
  const user = await getAdminAuth().createUser({ email, password });
  await getAdminAuth().setCustomUserClaims(user.uid, { admin: true });
  const client = createClient(emulators);
  await signInWithEmailAndPassword(client.auth, email, password);
  return { ...client, uid: user.uid };
}
