/**
 * `npm test`: every suite in one mocha run inside `firebase emulators:exec`, so unit, conformance,
 * integration and end-to-end tests all see the same Functions + Auth emulators and Firestore.
 */
import { emulatorList, exitCodeOf, firebase, bin } from "./firebase-cli";
import { provideFirestore } from "./firestore-provider";
import { startLocalDelivery } from "./relay/local-delivery";

async function main(): Promise<number> {
  const firestore = await provideFirestore();
  const ranOn = `Firestore for tests: ${firestore.kind} at ${firestore.address}: ${firestore.description}`;
  console.log(ranOn);
  // Trigger relay and schedule ticker (dev/stack/relay, dev/stack/schedules); the mocha process
  // inherits the env of emulators:exec, so tests find the schedule control endpoint here.
  const delivery = await startLocalDelivery(firestore);
  process.env.AIDEON_SCHEDULES_URL = delivery.schedulesUrl;
  const mocha = [bin("mocha"), ...process.argv.slice(2)].map((a) => JSON.stringify(a)).join(" ");
  const child = firebase(["emulators:exec", "--only", emulatorList(firestore), mocha], firestore);
  const code = await exitCodeOf(child);
  await delivery.close();
  await firestore.close();
  console.log(ranOn); // again below mocha's summary, where a reader of the log looks
  return code;
}

main().then(
  (code) => process.exit(code),
  (e) => {
    console.error(e);
    process.exit(1);
  },
);
