import type { ChildProcess } from "node:child_process";

/**
 * `firebase emulators:start` prints this once every emulator is up and the Functions emulator has
 * registered every function (its /backends lists them one by one while Firestore triggers register,
 * so an early caller could still meet a 404).
 */
const READY_LINE = "All emulators ready";

/**
 * Passes the emulators' stdout through to ours and resolves true once they announce they are ready,
 * false if they exit first.
 */
export function announcedReady(emulators: ChildProcess): Promise<boolean> {
  return new Promise((resolve) => {
    let tail = "";
    emulators.stdout?.on("data", (chunk: Buffer) => {
      process.stdout.write(chunk);
      // the line may straddle two chunks: keep just enough of the previous one
      const seen = tail + chunk.toString();
      if (seen.includes(READY_LINE)) resolve(true);
      tail = seen.slice(-READY_LINE.length);
    });
    emulators.once("exit", () => resolve(false));
  });
}
