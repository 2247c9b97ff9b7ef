import { spawnSync } from "node:child_process";
import { startLocalFirestore } from "@aideon-perf/local-firestore";
import { HOST, PORTS } from "./config";

export type FirestoreChoice =
  /** FIRESTORE_EMULATOR_HOST was set by the caller (e.g. `firebase emulators:exec` with the official emulator). */
  | { kind: "external"; address: string; close(): Promise<void> }
  /** Java 21+ is present: firebase-tools starts the official emulator itself. */
  | { kind: "official"; address: string; close(): Promise<void> }
  /** Neither: our in-memory server with Firestore's semantics, in this process. */
  | { kind: "local"; address: string; close(): Promise<void>; server: Awaited<ReturnType<typeof startLocalFirestore>> };

/** The official emulator needs Java 21 or later (`java -version` prints to stderr). */
function officialEmulatorRuns(): boolean {
  const r = spawnSync("java", ["-version"], { encoding: "utf8" });
  return Number(/version "(\d+)/.exec(`${r.stderr ?? ""}${r.stdout ?? ""}`)?.[1] ?? 0) >= 21;
}

export async function provideFirestore(): Promise<FirestoreChoice> {
  const preset = process.env.FIRESTORE_EMULATOR_HOST;
  if (preset) return { kind: "external", address: preset, close: async () => {} };
  if (process.env.AIDEON_LOCAL_FIRESTORE !== "1" && officialEmulatorRuns()) {
    return { kind: "official", address: `${HOST}:${PORTS.firestore}`, close: async () => {} };
  }
  const server = await startLocalFirestore({ host: HOST, port: PORTS.firestore });
  return { kind: "local", address: server.address, server, close: () => server.close() };
}
