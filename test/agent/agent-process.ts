/** The built agent CLI as a child process, for the agent tests and the agent benchmark. */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { join, resolve } from "node:path";

export const REPO = resolve(__dirname, "../..");
export const AGENT_DIR = join(REPO, "packages/agent");
/** The package's bin, as `npx aideon-perf-agent` runs it. */
export const AGENT_BIN = join(AGENT_DIR, "bin/aideon-perf-agent.js");

/** Builds dist/cli.js (esbuild, well under a second). */
export function buildAgent(): void {
  const build = spawnSync(process.execPath, [join(AGENT_DIR, "build.mjs")], { encoding: "utf8" });
  if (build.status !== 0) throw new Error(`agent build failed:\n${build.stdout}${build.stderr}`);
}

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
  atMs: number;
}

export interface AgentProcess {
  child: ChildProcess;
  stdout(): string;
  stderr(): string;
  exited: Promise<Exit>;
}

/** The environment minus anything that configures the agent, plus `env`. No NODE_OPTIONS: plain Node, no tsx. */
function cleanEnv(env: Record<string, string>): NodeJS.ProcessEnv {
  const configuring = (name: string) =>
    name.startsWith("AIDEON_AGENT_") || name === "PERFORMANCE_MONITORING_INTERVAL" || name === "NODE_OPTIONS";
  const inherited = Object.entries(process.env).filter(([name]) => !configuring(name));
  return { ...Object.fromEntries(inherited), ...env };
}

export function spawnAgent(args: string[], env: Record<string, string> = {}): AgentProcess {
  const child = spawn(process.execPath, [AGENT_BIN, ...args], {
    env: cleanEnv(env),
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout?.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr?.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<Exit>((done) =>
    child.once("close", (code, signal) => done({ code, signal, atMs: Date.now() })),
  );
  return { child, stdout: () => stdout, stderr: () => stderr, exited };
}

/** Polls until `check` is true; fails with `what` and `detail()` after timeoutMs. */
export async function waitFor(
  what: string,
  check: () => boolean,
  timeoutMs: number,
  detail: () => string = () => "",
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline)
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}\n${detail()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
