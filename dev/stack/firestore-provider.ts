/**
 * Which Firestore the local stack, the tests and the benchmarks run on, in this order:
 * 1. FIRESTORE_EMULATOR_HOST already set: the caller's server, as it is;
 * 2. the official emulator (Java 21+ and an emulator jar on this machine), started by firebase-tools;
 * 3. `dev/local-firestore`, our in-memory server, with the trigger relay beside it.
 * AIDEON_LOCAL_FIRESTORE=1 skips 2. The choice says what ran and why the others were not chosen.
 */
import { startLocalFirestore } from "@aideon-perf/local-firestore";
import { HOST, PORTS } from "./config";
import { discoverOfficialFirestore, type OfficialEmulator } from "./official-firestore";

interface Choice {
  address: string;
  /** one line for banners and test output: what runs, its version, why the others were not chosen */
  description: string;
  close(): Promise<void>;
}

export type FirestoreChoice =
  | (Choice & { kind: "external" })
  | (Choice & { kind: "official"; emulator: OfficialEmulator })
  | (Choice & { kind: "local"; server: Awaited<ReturnType<typeof startLocalFirestore>> });

const noop = async () => {};

export async function provideFirestore(): Promise<FirestoreChoice> {
  const preset = process.env.FIRESTORE_EMULATOR_HOST;
  if (preset) {
    return {
      kind: "external",
      address: preset,
      description: `the Firestore at FIRESTORE_EMULATOR_HOST=${preset} (set by the caller)`,
      close: noop,
    };
  }
  let whyNotOfficial: string;
  if (process.env.AIDEON_LOCAL_FIRESTORE === "1") {
    whyNotOfficial = "AIDEON_LOCAL_FIRESTORE=1 asks for the local server";
  } else {
    const { found, passedOver } = discoverOfficialFirestore();
    if (found) {
      const passed = passedOver.length > 0 ? `; passed over: ${passedOver.join("; ")}` : "";
      return {
        kind: "official",
        address: `${HOST}:${PORTS.firestore}`,
        emulator: found,
        description: `official emulator ${found.version} (${found.jarFrom} ${found.jar}, Java ${found.java.major} from ${found.java.from})${passed}`,
        close: noop,
      };
    }
    whyNotOfficial = `official emulator not found: ${passedOver.join("; ")}`;
  }
  const server = await startLocalFirestore({ host: HOST, port: PORTS.firestore });
  return {
    kind: "local",
    address: server.address,
    server,
    description: `local-firestore, the in-memory stand-in (no security rules, relayed triggers); ${whyNotOfficial}`,
    close: () => server.close(),
  };
}

/** What tests read to know their Firestore (the rules suite runs only where rules are evaluated). */
export function firestoreEnv(firestore: FirestoreChoice): NodeJS.ProcessEnv {
  return { AIDEON_FIRESTORE_KIND: firestore.kind, AIDEON_FIRESTORE_DESCRIPTION: firestore.description };
}
