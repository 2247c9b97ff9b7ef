/**
 * The fixture functions (test/relay/fixture) in their own Functions emulator, on ports of their own
 * (firebase.json there: functions 5101, hub 4401, logging 4501) and project, so it runs beside the
 * stack `npm test` starts. Its workers use the Firestore the test gives them.
 */
import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";

export const FIXTURE_PROJECT = "demo-relay-fixture";
const FIXTURE_DIR = path.resolve(__dirname, "../fixture");
const FIREBASE_BIN = path.resolve(__dirname, "../../../node_modules/.bin/firebase");
const FUNCTIONS_ORIGIN = "http://127.0.0.1:5101";
const HUB_ORIGIN = "http://127.0.0.1:4401";
const STARTUP_TIMEOUT_MS = 90_000;
const STOP_TIMEOUT_MS = 15_000;

export interface FixtureEmulator {
  origin: string;
  hubOrigin: string;
  /** everything the emulator printed, for failure messages */
  output(): string;
  stop(): Promise<void>;
}

/** The env of an `npm test` run points at its own emulators: none of that may leak into this one. */
function isolatedEnv(firestoreAddress: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (!/EMULATOR|^GCLOUD_PROJECT$|^FIREBASE_CONFIG$|^GOOGLE_CLOUD_PROJECT$/.test(key)) env[key] = value;
  }
  return { ...env, GCLOUD_PROJECT: FIXTURE_PROJECT, FIRESTORE_EMULATOR_HOST: firestoreAddress };
}

async function functionsLoaded(): Promise<boolean> {
  try {
    const res = await fetch(`${FUNCTIONS_ORIGIN}/backends`);
    const body = (await res.json()) as { backends?: Array<{ functionTriggers?: unknown[] }> };
    return Boolean(body.backends?.some((b) => (b.functionTriggers?.length ?? 0) > 0));
  } catch {
    return false;
  }
}

function exited(child: ChildProcess): Promise<void> {
  return child.exitCode !== null || child.signalCode !== null ? Promise.resolve() : new Promise((resolve) => child.once("exit", () => resolve()));
}

export async function startFixtureEmulator(firestoreAddress: string): Promise<FixtureEmulator> {
  // `emulators:start` rather than `exec`: the test process itself is what runs against it, and it
  // stops on SIGINT. Its own process group, so the workers it spawns are stopped with it.
  const child = spawn(FIREBASE_BIN, ["emulators:start", "--only", "functions", "--project", FIXTURE_PROJECT, "--config", "firebase.json"], {
    cwd: FIXTURE_DIR,
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
  while (!(await functionsLoaded())) {
    if (child.exitCode !== null || Date.now() > deadline) {
      await stop();
      throw new Error(`the fixture's Functions emulator did not load its functions:\n${output}`);
    }
    await sleep(250);
  }
  return { origin: FUNCTIONS_ORIGIN, hubOrigin: HUB_ORIGIN, output: () => output, stop };
}
