/**
 * The project's own functions in a second Functions emulator on ports of its own, beside the one
 * `npm test` runs, so that a test can stop it and start it again (an outage the agent must ride out)
 * without stopping the test. Its workers use the Firestore the test gives them.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { startEmulatorProcess, type EmulatorProcess } from "./emulator-process";
import { TEST_PROJECT_ID } from "./firestore";

const ROOT = path.resolve(__dirname, "../..");
const CONFIG_DIR = path.join(ROOT, ".stack");
const PORTS = { functions: 5201, hub: 4402, logging: 4502 } as const;

export const STANDALONE_FUNCTIONS_ORIGIN = `http://127.0.0.1:${PORTS.functions}`;
export const standaloneFunctionUrl = (name: string) =>
  `${STANDALONE_FUNCTIONS_ORIGIN}/${TEST_PROJECT_ID}/us-central1/${name}`;

/** firebase.json for it, in the git-ignored .stack/ beside the repo's own (its source is ../functions). */
function writeConfig(): string {
  mkdirSync(CONFIG_DIR, { recursive: true });
  const file = path.join(CONFIG_DIR, "firebase.standalone-functions.json");
  writeFileSync(
    file,
    JSON.stringify({
      functions: [{ source: "../functions", codebase: "default" }],
      emulators: {
        functions: { host: "127.0.0.1", port: PORTS.functions },
        hub: { host: "127.0.0.1", port: PORTS.hub },
        logging: { host: "127.0.0.1", port: PORTS.logging },
        ui: { enabled: false },
      },
    }),
  );
  return file;
}

export function startStandaloneFunctions(firestoreAddress: string): Promise<EmulatorProcess> {
  return startEmulatorProcess({
    project: TEST_PROJECT_ID,
    config: writeConfig(),
    cwd: ROOT,
    functionsOrigin: STANDALONE_FUNCTIONS_ORIGIN,
    firestoreAddress,
  });
}
