/**
 * The local stack as one object: a Firestore, the trigger relay and schedule ticker, and the Functions
 * and Auth emulators. `npm start` runs it until Ctrl-C; benchmarks run their workload against it.
 */
import type { ChildProcess } from "node:child_process";
import { emulatorList, exitCodeOf, firebase, NO_METADATA_SERVER } from "./firebase-cli";
import { provideFirestore, type FirestoreChoice } from "./firestore-provider";
import { announcedReady } from "./readiness";
import { startLocalDelivery, type LocalDelivery } from "./relay/local-delivery";

export interface Stack {
  firestore: FirestoreChoice;
  delivery: LocalDelivery;
  emulators: ChildProcess;
  /** true once the emulators say every function is registered; false if they exited first */
  ready: Promise<boolean>;
  /** the emulators' exit code */
  exited: Promise<number>;
  /** Stops the emulators (SIGINT, as Ctrl-C would) and everything beside them. Idempotent. */
  stop(): Promise<number>;
}

export async function startStack(): Promise<Stack> {
  Object.assign(process.env, NO_METADATA_SERVER); // for the clients a benchmark runs in this process
  const firestore = await provideFirestore();
  const delivery = await startLocalDelivery(firestore);
  const emulators = firebase(["emulators:start", "--only", emulatorList(firestore)], firestore, "pipe");
  const exited = exitCodeOf(emulators);
  const ready = announcedReady(emulators);
  let stopped: Promise<number> | undefined;
  return {
    firestore,
    delivery,
    emulators,
    ready,
    exited,
    stop() {
      stopped ??= (async () => {
        if (emulators.exitCode === null && emulators.signalCode === null) emulators.kill("SIGINT");
        const code = await exited;
        await delivery.close();
        await firestore.close();
        return code;
      })();
      return stopped;
    },
  };
}
