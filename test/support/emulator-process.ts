/**
 * A Functions emulator of a test's own (`firebase emulators:start`, not `exec`: the test process is
 * what runs against it), in its own process group so the workers it spawns stop with it, ready once
 * its /backends lists functions. Used beside the emulators `npm test` runs, on other ports.
 */
import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";

const FIREBASE_BIN = path.resolve(__dirname, "../../node_modules/.bin/firebase");
const STARTUP_TIMEOUT_MS = 120_000;
const STOP_TIMEOUT_MS = 15_000;

export interface EmulatorProcess {
  /** everything the emulator printed, for failure messages */
  output(): string;
  /** SIGINT to the group, SIGKILL after a bound. Idempotent. */
  stop(): Promise<void>;
}

export interface EmulatorProcessOptions {
  project: string;
  /** the firebase.json to use, absolute or relative to cwd */
  config: string;
  cwd: string;
  /** e.g. http://127.0.0.1:5101 */
  functionsOrigin: string;
  /** FIRESTORE_EMULATOR_HOST for its workers */
  firestoreAddress: string;
}

/** The env of an `npm test` run points at its own emulators: none of that may leak into this one. */
function isolatedEnv(project: string, firestoreAddress: string): NodeJS.ProcessEnv {
  const env = Object.fromEntries(
    Object.entries(process.env).filter(
      ([key]) => !/EMULATOR|^GCLOUD_PROJECT$|^FIREBASE_CONFIG$|^GOOGLE_CLOUD_PROJECT$/.test(key),
    ),
  );
  return { ...env, GCLOUD_PROJECT: project, FIRESTORE_EMULATOR_HOST: firestoreAddress };
}

async function functionsLoaded(origin: string): Promise<boolean> {
  try {
    const body = (await (await fetch(`${origin}/backends`)).json()) as {
      backends?: Array<{ functionTriggers?: unknown[] }>;
    };
    return Boolean(body.backends?.some((b) => (b.functionTriggers?.length ?? 0) > 0));
  } catch {
    return false;
  }
}

const exited = (child: ChildProcess) =>
  child.exitCode !== null || child.signalCode !== null
    ? Promise.resolve()
    : new Promise<void>((resolve) => child.once("exit", () => resolve()));

export async function startEmulatorProcess(options: EmulatorProcessOptions): Promise<EmulatorProcess> {
  const child = spawn(
    FIREBASE_BIN,
    ["emulators:start", "--only", "functions", "--project", options.project, "--config", options.config],
    {
      cwd: options.cwd,
      env: isolatedEnv(options.project, options.firestoreAddress),
      stdio: ["ignore", "pipe", "pipe"],
      detached: true,
    },
  );
  let output = "";
  child.stdout?.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on("data", (chunk: Buffer) => (output += chunk.toString()));

  const stop = async () => {
    if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
    process.kill(-child.pid, "SIGINT");
    if (
      (await Promise.race([exited(child).then(() => "exited"), sleep(STOP_TIMEOUT_MS, "timeout")])) ===
      "timeout"
    ) {
      process.kill(-child.pid, "SIGKILL");
      await exited(child);
    }
  };

  const deadline = Date.now() + STARTUP_TIMEOUT_MS;
  while (!(await functionsLoaded(options.functionsOrigin))) {
    if (child.exitCode !== null || Date.now() > deadline) {
      await stop();
      throw new Error(
        `the Functions emulator at ${options.functionsOrigin} did not load its functions:\n${output}`,
      );
    }
    await sleep(250);
  }
  return { output: () => output, stop };
}
