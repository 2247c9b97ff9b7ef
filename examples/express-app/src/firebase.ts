/**
 * The example's Firebase client: the local stack's emulators (as `npm start` prints them), signed in
 * anonymously, which is all the recordTraces callable asks for.
 */
import { deleteApp, initializeApp, type FirebaseApp } from "firebase/app";
import { connectAuthEmulator, getAuth, signInAnonymously } from "firebase/auth";
import { connectFunctionsEmulator, getFunctions, type Functions } from "firebase/functions";

export interface Endpoint {
  host: string;
  port: number;
}

export interface StackConfig {
  projectId: string;
  functions: Endpoint;
  auth: Endpoint;
}

export const LOCAL_STACK: StackConfig = {
  projectId: "demo-aideon-perf",
  functions: { host: "127.0.0.1", port: 5001 },
  auth: { host: "127.0.0.1", port: 9099 },
};

export interface ConnectedApp {
  app: FirebaseApp;
  functions: Functions;
  uid: string;
  close(): Promise<void>;
}

export async function connectToStack(
  stack: StackConfig,
  appName = "aideon-perf-example",
): Promise<ConnectedApp> {
  const app = initializeApp(
    { projectId: stack.projectId, apiKey: "demo-api-key", appId: "demo-example-app" },
    appName,
  );
  const auth = getAuth(app);
  connectAuthEmulator(auth, `http://${stack.auth.host}:${stack.auth.port}`, { disableWarnings: true });
  const functions = getFunctions(app);
  connectFunctionsEmulator(functions, stack.functions.host, stack.functions.port);
  const { user } = await signInAnonymously(auth);
  return { app, functions, uid: user.uid, close: () => deleteApp(app) };
}
