/**
 * `npm test`: every suite in one mocha run inside `firebase emulators:exec`, so unit, conformance,
 * integration and end-to-end tests all see the same Functions + Auth emulators and Firestore.
 */
import { emulatorList, exitCodeOf, firebase, bin } from "./firebase-cli";
import { provideFirestore } from "./firestore-provider";

async function main(): Promise<number> {
  const firestore = await provideFirestore();
  console.log(`Firestore for tests: ${firestore.kind} (${firestore.address})`);
  const mocha = [bin("mocha"), ...process.argv.slice(2)].map((a) => JSON.stringify(a)).join(" ");
  const child = firebase(["emulators:exec", "--only", emulatorList(firestore), mocha], firestore);
  const code = await exitCodeOf(child);
  await firestore.close();
  return code;
}

main().then(
  (code) => process.exit(code),
  (e) => {
    console.error(e);
    process.exit(1);
  },
);
