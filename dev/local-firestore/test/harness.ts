// Shared setup for the conformance suite. With FIRESTORE_EMULATOR_HOST already set (e.g. the
// official emulator) the suite uses it as is; otherwise it starts local-firestore on a free port.
// Root-level hooks: they run once for every test file that imports this module.
import { randomBytes } from 'crypto';
import { type App, deleteApp, initializeApp } from 'firebase-admin/app';
import { type CollectionReference, type Firestore, getFirestore } from 'firebase-admin/firestore';
import { type LocalFirestore, startLocalFirestore } from '../src/index';

export const PROJECT_ID = 'demo-aideon-perf';

let local: LocalFirestore | undefined;
let app: App | undefined;

before(async function () {
  this.timeout(30_000);
  if (!process.env.FIRESTORE_EMULATOR_HOST) {
    local = await startLocalFirestore({ port: 0 });
    process.env.FIRESTORE_EMULATOR_HOST = local.address;
  }
  app = initializeApp({ projectId: PROJECT_ID }, `local-firestore-conformance-${randomBytes(4).toString('hex')}`);
});

after(async () => {
  if (app) await deleteApp(app);
  if (local) {
    await local.close();
    delete process.env.FIRESTORE_EMULATOR_HOST;
  }
});

export function db(databaseId?: string): Firestore {
  return databaseId ? getFirestore(app!, databaseId) : getFirestore(app!);
}

export function emulatorHost(): string {
  return process.env.FIRESTORE_EMULATOR_HOST!;
}

/** A collection no other test uses, so tests never depend on a clear. */
export function freshCollection(label: string): CollectionReference {
  return db().collection(`${label}-${randomBytes(5).toString('hex')}`);
}

/** Resolves with the gRPC status code the promise rejects with. */
export async function rejectionCode(promise: Promise<unknown>): Promise<number | undefined> {
  try {
    await promise;
  } catch (err) {
    return (err as { code?: number }).code;
  }
  throw new Error('expected the operation to fail');
}

export const GrpcStatus = { INVALID_ARGUMENT: 3, NOT_FOUND: 5, ALREADY_EXISTS: 6, FAILED_PRECONDITION: 9, ABORTED: 10 } as const;

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
  const dedicatedApp = initializeApp({ projectId: PROJECT_ID }, `local-firestore-dedicated-${randomBytes(4).toString('hex')}`);
  // The client reads FIRESTORE_EMULATOR_HOST when it is created and configured, and it wins over an
  // explicit host: point it at this server for that moment only.
  const shared = process.env.FIRESTORE_EMULATOR_HOST;
  process.env.FIRESTORE_EMULATOR_HOST = server.address;
  const dedicatedDb = getFirestore(dedicatedApp);
  dedicatedDb.settings({ host: server.address, ssl: false });
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
