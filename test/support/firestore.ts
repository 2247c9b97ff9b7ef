/**
 * Test access to "a real Firestore API server": the one FIRESTORE_EMULATOR_HOST points at (the official
 * emulator under `firebase emulators:exec`, or ours when `npm test` started it), else our local server
 * started here for a mocha run on its own.
 */
import { getApps, initializeApp } from "firebase-admin/app";
import { getFirestore, type Firestore } from "firebase-admin/firestore";
import type { LocalFirestore } from "@aideon-perf/local-firestore";
import { COLLECTIONS } from "../../functions/src/firestore";
import { waitFor } from "./wait";

export const TEST_PROJECT_ID = "demo-aideon-perf";

let started: LocalFirestore | undefined;

/** Call from a `before` hook, before firebase-admin's Firestore is first used. */
export async function ensureFirestore(): Promise<string> {
  process.env.GCLOUD_PROJECT ??= TEST_PROJECT_ID;
  if (!process.env.FIRESTORE_EMULATOR_HOST) {
    // Imported only when needed: suites run against an external Firestore never load the local server.
    const { startLocalFirestore } = await import("@aideon-perf/local-firestore");
    started = await startLocalFirestore({ host: "127.0.0.1", port: 0 });
    process.env.FIRESTORE_EMULATOR_HOST = started.address;
  }
  return process.env.FIRESTORE_EMULATOR_HOST as string;
}

export async function stopStartedFirestore(): Promise<void> {
  await started?.close();
}

export function adminDb(): Firestore {
  // Other suites may hold named apps; this needs the default one, which the functions also use.
  if (!getApps().some((app) => app.name === "[DEFAULT]"))
    initializeApp({ projectId: process.env.GCLOUD_PROJECT ?? TEST_PROJECT_ID });
  return getFirestore();
}

/** The official emulator's documented reset endpoint; our local server serves the same one. */
export async function clearFirestore(): Promise<void> {
  const res = await fetch(
    `http://${process.env.FIRESTORE_EMULATOR_HOST}/emulator/v1/projects/${process.env.GCLOUD_PROJECT ?? TEST_PROJECT_ID}/databases/(default)/documents`,
    { method: "DELETE" },
  );
  if (!res.ok) throw new Error(`clearing Firestore failed: HTTP ${res.status}`);
}

/** Documents in every top-level collection: "a rejected call writes nothing" is checked against this. */
export async function countAllDocuments(): Promise<number> {
  const collections = await adminDb().listCollections();
  const counts = await Promise.all(collections.map(async (c) => (await c.count().get()).data().count));
  return counts.reduce((a, b) => a + b, 0);
}

/**
 * Waits until the Firestore triggers have aggregated every finished trace and stored batch. They run
 * after the call that caused them has returned (natively on the official emulator, through the relay
 * on ours): a test that clears Firestore lets the previous test's triggers finish first, or their
 * writes land in its data.
 */
export async function settleAggregation(): Promise<void> {
  const pending = async () => {
    const [traces, batches] = await Promise.all([
      adminDb().collection(COLLECTIONS.traces).where("status", "==", "finished").get(),
      adminDb().collection(COLLECTIONS.traceBatches).get(),
    ]);
    return [...traces.docs, ...batches.docs].filter((d) => d.get("aggregated") !== true).length;
  };
  const left = await waitFor(pending, (n) => n === 0);
  if (left > 0) throw new Error(`${left} finished traces or batches were never aggregated`);
}
