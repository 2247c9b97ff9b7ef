import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import { PROJECT_ID } from "./config";
import { firestoreEnv, type FirestoreChoice } from "./firestore-provider";

export const ROOT = path.resolve(__dirname, "../..");
export const bin = (name: string) => path.join(ROOT, "node_modules", ".bin", name);

/** Which emulators firebase-tools must run: Firestore only when it is the official one. Hosting serves the REST API. */
export function emulatorList(firestore: FirestoreChoice): string {
  return ["functions", "auth", "hosting", ...(firestore.kind === "official" ? ["firestore"] : [])].join(",");
}

/**
 * Google's client libraries ask the GCE metadata server (169.254.169.254) whether they run on Google
 * Cloud whenever they open a channel, emulator or not. Nothing here does: every process of the stack
 * (the CLI, function workers, the test process under `emulators:exec`) is told so, and stays on loopback.
 */
export const NO_METADATA_SERVER = { METADATA_SERVER_DETECTION: "none" } as const;

/**
 * Runs the Firebase CLI from node_modules with the project's defaults. For the official emulator it
 * gets the jar found on this machine and that Java first on PATH (firebase-tools runs `java -jar`);
 * otherwise FIRESTORE_EMULATOR_HOST is exported before it starts so that the function workers it
 * spawns use our Firestore.
 */
export function firebase(
  args: string[],
  firestore: FirestoreChoice,
  stdout: "inherit" | "pipe" = "inherit",
): ChildProcess {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    ...NO_METADATA_SERVER,
    GCLOUD_PROJECT: PROJECT_ID,
    ...firestoreEnv(firestore),
  };
  if (firestore.kind === "official") {
    env.FIRESTORE_EMULATOR_BINARY_PATH = firestore.emulator.binary;
    if (firestore.emulator.java.from !== "PATH")
      env.PATH = `${path.dirname(firestore.emulator.java.java)}${path.delimiter}${env.PATH ?? ""}`;
  } else {
    env.FIRESTORE_EMULATOR_HOST = firestore.address;
  }
  return spawn(bin("firebase"), [...args, "--project", PROJECT_ID], {
    cwd: ROOT,
    env,
    stdio: ["inherit", stdout, "inherit"],
  });
}

export function exitCodeOf(child: ChildProcess): Promise<number> {
  return new Promise((resolve) => child.once("exit", (code, signal) => resolve(code ?? (signal ? 1 : 0))));
}
