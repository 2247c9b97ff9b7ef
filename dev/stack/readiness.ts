import { setTimeout as sleep } from "node:timers/promises";
import { PORTS, HOST } from "./config";

const POLL_MS = 250;
const STARTUP_TIMEOUT_MS = 120_000;

/** Resolves once the Functions emulator has loaded the functions (its /backends lists them). */
export async function waitForFunctions(timeoutMs = STARTUP_TIMEOUT_MS): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      const res = await fetch(`http://${HOST}:${PORTS.functions}/backends`);
      if (res.ok) {
        const body = (await res.json()) as { backends?: Array<{ functionTriggers?: unknown[] }> };
        if (body.backends?.some((b) => (b.functionTriggers?.length ?? 0) > 0)) return true;
      }
    } catch {
      // not listening yet
    }
    await sleep(POLL_MS);
  }
  return false;
}
