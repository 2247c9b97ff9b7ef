import { readFileSync } from "node:fs";
import path from "node:path";

const FUNCTIONS_ENV = path.join(__dirname, "..", "..", "functions", ".env");

/**
 * Params reach functions as environment variables; the CLI loads them from functions/.env, and so does
 * whatever runs the functions' code in-process (tests, benchmarks). Values already set win. Not
 * NODE_ENV: it is there for the emulator's own server, and such a process runs other code too.
 */
export function loadFunctionsEnv(): void {
  for (const line of readFileSync(FUNCTIONS_ENV, "utf8").split("\n")) {
    const match = /^([A-Z_][A-Z0-9_]*)=(.*)$/.exec(line.trim());
    if (match && match[1] !== "NODE_ENV") process.env[match[1]!] ??= match[2]!;
  }
}
