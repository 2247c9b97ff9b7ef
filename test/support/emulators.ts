/**
 * The running Firebase emulators, read from the emulator hub that `firebase emulators:exec` (run by
 * `npm test`) announces in FIREBASE_EMULATOR_HUB.
 */
import type { Context } from "mocha";

export interface Endpoint {
  host: string;
  port: number;
}
export type RunningEmulators = Record<string, Endpoint>;

export async function runningEmulators(): Promise<RunningEmulators | undefined> {
  const hub = process.env.FIREBASE_EMULATOR_HUB;
  if (!hub) return undefined;
  const res = await fetch(`http://${hub}/emulators`);
  if (!res.ok) throw new Error(`emulator hub at ${hub} answered HTTP ${res.status}`);
  return (await res.json()) as RunningEmulators;
}

/**
 * Resolves the emulators an end-to-end suite needs. Outside `npm test` (no hub) the suite is skipped
 * with the reason; under it, a missing emulator is a failure, never a silent skip.
 */
export async function requireEmulators(ctx: Context, ...names: string[]): Promise<RunningEmulators> {
  const running = await runningEmulators();
  if (!running) {
    console.log(
      "    (skipped: no FIREBASE_EMULATOR_HUB; run through `npm test`, which starts the emulators)",
    );
    ctx.skip();
  }
  for (const name of names) {
    if (!running[name])
      throw new Error(`the ${name} emulator is not running (hub lists ${Object.keys(running).join(", ")})`);
  }
  return running;
}
