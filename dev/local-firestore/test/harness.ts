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

/** The in-process server, or undefined when the suite runs against an external emulator. */
export function localServer(): LocalFirestore | undefined {
  return local;
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
