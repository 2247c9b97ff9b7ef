/**
 * The project's own functions in a second Functions emulator on ports of its own, beside the one
 * `npm test` runs, so that a test can stop it and start it again (an outage the agent must ride out)
 * without stopping the test. Its workers use the Firestore the test gives them.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { TEST_PROJECT_ID } from "./firestore";

const ROOT = path.resolve(__dirname, "../..");
const CONFIG_DIR = path.join(ROOT, ".stack");
const PORTS = { functions: 5201, hub: 4402, logging: 4502 } as const;
const STARTUP_TIMEOUT_MS = 120_000;
const STOP_TIMEOUT_MS = 15_000;

export const STANDALONE_FUNCTIONS_ORIGIN = `http://127.0.0.1:${PORTS.functions}`;
export const standaloneFunctionUrl = (name: string) => `${STANDALONE_FUNCTIONS_ORIGIN}/${TEST_PROJECT_ID}/us-central1/${name}`;

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

/** No emulator variable of the surrounding `npm test` may leak in: this one has its own hub. */
function isolatedEnv(firestoreAddress: string): NodeJS.ProcessEnv {
  const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => !/EMULATOR|^FIREBASE_CONFIG$/.test(key)));
  return { ...env, GCLOUD_PROJECT: TEST_PROJECT_ID, FIRESTORE_EMULATOR_HOST: firestoreAddress };
}

async function loaded(): Promise<boolean> {
  try {
    const body = (await (await fetch(`${STANDALONE_FUNCTIONS_ORIGIN}/backends`)).json()) as { backends?: Array<{ functionTriggers?: unknown[] }> };
    return Boolean(body.backends?.some((b) => (b.functionTriggers?.length ?? 0) > 0));
  } catch {
    return false;
  }
}

const exited = (child: ChildProcess) =>
  child.exitCode !== null || child.signalCode !== null ? Promise.resolve() : new Promise<void>((resolve) => child.once("exit", () => resolve()));

export interface StandaloneFunctions {
  stop(): Promise<void>;
  output(): string;
}

export async function startStandaloneFunctions(firestoreAddress: string): Promise<StandaloneFunctions> {
  const config = writeConfig();
  // Its own process group, so the function workers it spawns stop with it.
  const child = spawn(path.join(ROOT, "node_modules/.bin/firebase"), ["emulators:start", "--only", "functions", "--project", TEST_PROJECT_ID, "--config", config], {
    cwd: ROOT,
    env: isolatedEnv(firestoreAddress),
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  let output = "";
  child.stdout?.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on("data", (chunk: Buffer) => (output += chunk.toString()));
  const stop = async () => {
    if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
    process.kill(-child.pid, "SIGINT");
    if ((await Promise.race([exited(child).then(() => "exited"), sleep(STOP_TIMEOUT_MS, "timeout")])) === "timeout") {
      process.kill(-child.pid, "SIGKILL");
      await exited(child);
    }
  };
  const deadline = Date.now() + STARTUP_TIMEOUT_MS;
  while (!(await loaded())) {
    if (child.exitCode !== null || Date.now() > deadline) {
      await stop();
      throw new Error(`the standalone Functions emulator did not load the functions:\n${output}`);
    }
    await sleep(250);
  }
  return { stop, output: () => output };
}
