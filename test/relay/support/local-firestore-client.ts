/**
 * A firebase-admin Firestore client for one particular server. Under `npm test`,
 * FIRESTORE_EMULATOR_HOST names the stack's Firestore and overrides any host in the settings, so it is
 * unset while the client reads its settings (in the constructor) and restored at once.
 */
import { Firestore } from "firebase-admin/firestore";

export function firestoreAt(address: string, projectId: string): Firestore {
  const preset = process.env.FIRESTORE_EMULATOR_HOST;
  delete process.env.FIRESTORE_EMULATOR_HOST;
  try {
    return new Firestore({ projectId, host: address, ssl: false });
  } finally {
    if (preset !== undefined) process.env.FIRESTORE_EMULATOR_HOST = preset;
  }
}
