/**
 * The Firebase app of the site that serves the page: Hosting's reserved /__/firebase/init.json gives its
 * config, deployed or in the emulator. On localhost the page talks to the emulators (ports from firebase.json).
 */
import { initializeApp } from "firebase/app";
import { connectAuthEmulator, getAuth } from "firebase/auth";
import { connectFirestoreEmulator, getFirestore } from "firebase/firestore";
import { connectFunctionsEmulator, getFunctions, httpsCallable } from "firebase/functions";

declare const __EMULATOR_PORTS__: { auth: number; functions: number; firestore: number };

export async function connectFirebase() {
  const res = await fetch("/__/firebase/init.json");
  if (!res.ok)
    throw new Error(
      `/__/firebase/init.json answered HTTP ${res.status}: serve this page from Firebase Hosting`,
    );
  const app = initializeApp((await res.json()) as Record<string, string>);
  const auth = getAuth(app);
  const firestore = getFirestore(app);
  const functions = getFunctions(app);
  const host = location.hostname;
  if (host === "localhost" || host === "127.0.0.1") {
    connectAuthEmulator(auth, `http://${host}:${__EMULATOR_PORTS__.auth}`, { disableWarnings: true });
    connectFirestoreEmulator(firestore, host, __EMULATOR_PORTS__.firestore);
    connectFunctionsEmulator(functions, host, __EMULATOR_PORTS__.functions);
  }
  const call = async <T>(name: string, data?: unknown) =>
    (await httpsCallable<unknown, T>(functions, name)(data)).data;
  return { auth, firestore, call };
}

export type FirebaseConnection = Awaited<ReturnType<typeof connectFirebase>>;
