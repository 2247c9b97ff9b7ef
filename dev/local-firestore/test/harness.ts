// Shared setup for the conformance suite. With FIRESTORE_EMULATOR_HOST already set (e.g. the
// official emulator) the suite uses it as is; otherwise it starts local-firestore on a free port.
// Root-level hooks: they run once for every test file that imports this module.
import { randomBytes } from "crypto";
import { type App, deleteApp, initializeApp } from "firebase-admin/app";
import { type CollectionReference, type Firestore, getFirestore } from "firebase-admin/firestore";
import { type LocalFirestore, USAGE_PATH, startLocalFirestore } from "../src/index";

export const PROJECT_ID = "demo-aideon-perf";

let local: LocalFirestore | undefined;
let app: App | undefined;

before(async function () {
  this.timeout(30_000);
  if (!process.env.FIRESTORE_EMULATOR_HOST) {
    local = await startLocalFirestore({ port: 0 });
    process.env.FIRESTORE_EMULATOR_HOST = local.address;
  }
  app = initializeApp(
    { projectId: PROJECT_ID },
    `local-firestore-conformance-${randomBytes(4).toString("hex")}`,
  );
});

after(async () => {
  if (app) await deleteApp(app);
  if (local) {
    await local.close();
    delete process.env.FIRESTORE_EMULATOR_HOST;
  }
});

/**
 * Without a universe domain of its own, google-auth asks the GCE metadata server (169.254.169.254)
 * for one whenever the Admin SDK opens a channel: traffic that must not leave this machine.
 */
const NO_METADATA_LOOKUP = { universeDomain: "googleapis.com" };
const configured = new WeakSet<Firestore>();

/** An Admin SDK Firestore of `firebaseApp` that talks only to FIRESTORE_EMULATOR_HOST. */
export function adminFirestore(firebaseApp: App, databaseId?: string): Firestore {
  const firestore = databaseId ? getFirestore(firebaseApp, databaseId) : getFirestore(firebaseApp);
  if (!configured.has(firestore)) {
    firestore.settings(NO_METADATA_LOOKUP);
    configured.add(firestore);
  }
  return firestore;
}

export function db(databaseId?: string): Firestore {
  return adminFirestore(app!, databaseId);
}

export function emulatorHost(): string {
  return process.env.FIRESTORE_EMULATOR_HOST!;
}

let localTarget: Promise<boolean> | undefined;

/**
 * Whether the suite's target is local-firestore, started here or given by FIRESTORE_EMULATOR_HOST:
 * only it answers its usage endpoint (the official emulator answers 404).
 */
export function targetIsLocalFirestore(): Promise<boolean> {
  localTarget ??= fetch(`http://${emulatorHost()}${USAGE_PATH}`).then(
    (res) => res.ok,
    () => false,
  );
  return localTarget;
}

/**
 * For a documented production rule the official emulator does not enforce: the test runs on
 * local-firestore only (its title says why) and skips itself elsewhere.
 */
export async function skipUnlessLocalFirestore(test: Mocha.Context): Promise<void> {
  if (!(await targetIsLocalFirestore())) test.skip();
}

/** A collection no other test uses, so tests never depend on a clear. */
export function freshCollection(label: string): CollectionReference {
  return db().collection(`${label}-${randomBytes(5).toString("hex")}`);
}

/** Resolves with the gRPC status (code and details) the promise rejects with. */
export async function rejection(promise: Promise<unknown>): Promise<{ code?: number; details?: string }> {
  try {
    await promise;
  } catch (err) {
    const { code, details } = err as { code?: number; details?: string };
    return { code, details };
  }
  throw new Error("expected the operation to fail");
}

/** Resolves with the gRPC status code the promise rejects with. */
export async function rejectionCode(promise: Promise<unknown>): Promise<number | undefined> {
  return (await rejection(promise)).code;
}

export const GrpcStatus = {
  INVALID_ARGUMENT: 3,
  NOT_FOUND: 5,
  ALREADY_EXISTS: 6,
  FAILED_PRECONDITION: 9,
  ABORTED: 10,
} as const;

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * An in-process server of the suite's own, whatever FIRESTORE_EMULATOR_HOST points at, with an
 * Admin SDK Firestore connected to it: for the tests of this server's own features (change feed,
 * lock wait option, the web SDK's RPCs), which no other Firestore has and which must never be skipped.
 */
export interface DedicatedServer {
  server: LocalFirestore;
  db: Firestore;
  close(): Promise<void>;
}

export async function dedicatedLocalServer(options: { lockWaitMs?: number } = {}): Promise<DedicatedServer> {
  const server = await startLocalFirestore({ port: 0, ...options });
  const dedicatedApp = initializeApp(
    { projectId: PROJECT_ID },
    `local-firestore-dedicated-${randomBytes(4).toString("hex")}`,
  );
  // The client reads FIRESTORE_EMULATOR_HOST when it is created and configured, and it wins over an
  // explicit host: point it at this server for that moment only.
  const shared = process.env.FIRESTORE_EMULATOR_HOST;
  process.env.FIRESTORE_EMULATOR_HOST = server.address;
  const dedicatedDb = getFirestore(dedicatedApp);
  dedicatedDb.settings({ host: server.address, ssl: false, ...NO_METADATA_LOOKUP });
  if (shared === undefined) delete process.env.FIRESTORE_EMULATOR_HOST;
  else process.env.FIRESTORE_EMULATOR_HOST = shared;
  return {
    server,
    db: dedicatedDb,
    close: async () => {
      await deleteApp(dedicatedApp);
      await server.close();
    },
  };
}
