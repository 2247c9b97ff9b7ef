/**
 * The fixture functions (test/relay/fixture) in their own Functions emulator, on ports of their own
 * (firebase.json there: functions 5101, hub 4401, logging 4501) and project, so it runs beside the
 * stack `npm test` starts. Its workers use the Firestore the test gives them.
 */
import path from "node:path";
import { startEmulatorProcess, type EmulatorProcess } from "../../support/emulator-process";

export const FIXTURE_PROJECT = "demo-relay-fixture";
const FIXTURE_DIR = path.resolve(__dirname, "../fixture");
const FUNCTIONS_ORIGIN = "http://127.0.0.1:5101";
const HUB_ORIGIN = "http://127.0.0.1:4401";

export interface FixtureEmulator extends EmulatorProcess {
  origin: string;
  hubOrigin: string;
}

export async function startFixtureEmulator(firestoreAddress: string): Promise<FixtureEmulator> {
  const emulator = await startEmulatorProcess({
    project: FIXTURE_PROJECT,
    config: "firebase.json",
    cwd: FIXTURE_DIR,
    functionsOrigin: FUNCTIONS_ORIGIN,
    firestoreAddress,
  });
  return { ...emulator, origin: FUNCTIONS_ORIGIN, hubOrigin: HUB_ORIGIN };
}
