/**
 * `npm start`: the local stack. A Firestore (the official emulator when Java 21 is present, else our
 * in-memory server), the Functions and Auth emulators with the built functions, and the URLs to use.
 * Ctrl-C stops everything.
 */
import { HOST, PORTS, PROJECT_ID, urls } from "./config";
import { emulatorList, exitCodeOf, firebase } from "./firebase-cli";
import { provideFirestore } from "./firestore-provider";
import { waitForFunctions } from "./readiness";
import { startLocalDelivery } from "./relay/local-delivery";

async function main(): Promise<number> {
  const firestore = await provideFirestore();
  // Trigger relay and schedule ticker: dev/stack/relay, dev/stack/schedules.
  const delivery = await startLocalDelivery(firestore);
  const child = firebase(["emulators:start", "--only", emulatorList(firestore)], firestore);
  const exited = exitCodeOf(child);

  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    child.kill("SIGINT");
  };
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);

  const ready = await Promise.race([waitForFunctions(), exited.then(() => false)]);
  if (ready) {
    console.log(
      [
        "",
        "aideon-perf local stack is up",
        `  project id        ${PROJECT_ID}`,
        `  callables         ${urls.functions}/{startTrace,stopTrace,addMetric,recordTraces}`,
        `  auth emulator     ${urls.auth}`,
        `  firestore         ${firestore.address} (${firestore.kind === "local" ? "in-memory local server" : firestore.kind})`,
        `  emulator hub      http://${HOST}:${PORTS.hub}`,
        `  schedules         ${delivery.schedulesUrl}/schedules (POST /schedules/{name}/run runs one now)`,
        "  connect clients with connectFunctionsEmulator(functions, '127.0.0.1', 5001) and",
        "  connectAuthEmulator(auth, 'http://127.0.0.1:9099'); Ctrl-C stops everything.",
        "",
      ].join("\n"),
    );
  }
  const code = await exited;
  await delivery.close();
  await firestore.close();
  return stopping ? 0 : code;
}

main().then(
  (code) => process.exit(code),
  (e) => {
    console.error(e);
    process.exit(1);
  },
);
