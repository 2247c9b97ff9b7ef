/**
 * Loads a functions directory the way `firebase deploy` discovers a Node codebase (firebase-tools
 * lib/deploy/functions/runtimes/node/index.js, Delegate.discoverBuild / serveAdmin, and
 * runtimes/discovery/index.js detectFromPort): start the firebase-functions SDK's `firebase-functions`
 * bin from the source dir's node_modules, with cwd = source dir, a clean environment and
 * FUNCTIONS_CONTROL_API=true + PORT; poll GET /__/functions.yaml until it answers; stop via
 * /__/quitquitquit. Same environment and requests as the CLI, not its code.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { createServer } from "node:net";
import { join } from "node:path";
import { yaml } from "./firebase-tools-internals";

/** detectFromPort's default: user code that takes longer to load fails `firebase deploy`. */
const CLI_DISCOVERY_TIMEOUT_MS = 10_000;
const RETRY_DELAY_MS = 100;
/** serveAdmin's grace period after quitquitquit before it SIGKILLs the child. */
const CLI_KILL_GRACE_MS = 10_000;

export interface DiscoveryServer {
  child: ChildProcess;
  /** stdout + stderr of the child so far, for failure messages. */
  output(): string;
  /** The parsed manifest, as the CLI reads it (YAML; the SDK currently sends JSON, a YAML subset). */
  fetchManifest(): Promise<unknown>;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

export async function startDiscoveryServer(sourceDir: string, projectId: string): Promise<DiscoveryServer> {
  const port = await freePort();
  const firebaseConfig = { projectId };
  // Exactly the variables the CLI passes (loadFirebaseEnvs + discoverBuild + spawnFunctionsProcess);
  // nothing else of this process's environment leaks in, as nothing of the developer's does at deploy.
  const env: NodeJS.ProcessEnv = {
    FIREBASE_CONFIG: JSON.stringify(firebaseConfig),
    GCLOUD_PROJECT: projectId,
    GOOGLE_CLOUD_QUOTA_PROJECT: projectId,
    PORT: String(port),
    FUNCTIONS_CONTROL_API: "true",
    HOME: process.env.HOME,
    PATH: process.env.PATH,
    NODE_ENV: process.env.NODE_ENV,
    CLOUD_RUNTIME_CONFIG: JSON.stringify({ firebase: firebaseConfig }),
  };
  const bin = join(sourceDir, "node_modules", ".bin", "firebase-functions");
  const child = spawn(bin, [sourceDir], { cwd: sourceDir, env, stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
  let running = true;
  const exited = new Promise<void>((resolve) => {
    const end = () => {
      running = false;
      resolve();
    };
    child.once("exit", end);
    child.once("error", (e) => {
      output += `\nspawn failed: ${e.message}`;
      end();
    });
  });

  const url = (path: string) => `http://127.0.0.1:${port}${path}`;

  async function fetchManifest(): Promise<unknown> {
    const deadline = Date.now() + CLI_DISCOVERY_TIMEOUT_MS;
    for (;;) {
      if (!running) throw new Error(`firebase-functions is not running (exit code ${child.exitCode}):\n${output}`);
      try {
        const res = await fetch(url("/__/functions.yaml"));
        const text = await res.text();
        if (res.status !== 200) throw new Error(`/__/functions.yaml answered HTTP ${res.status}: ${text}\n${output}`);
        return yaml.parse(text);
      } catch (e) {
        // Like detectFromPort: connection errors mean "not listening yet"; anything else is final.
        const code = ((e as { cause?: { code?: string } }).cause ?? {}).code;
        if (!["ECONNREFUSED", "ECONNRESET", "ETIMEDOUT"].includes(code ?? "")) throw e;
        if (Date.now() > deadline) throw new Error(`no manifest within ${CLI_DISCOVERY_TIMEOUT_MS} ms:\n${output}`);
        await new Promise((r) => setTimeout(r, RETRY_DELAY_MS));
      }
    }
  }

  async function stop(): Promise<void> {
    if (!running) return;
    await fetch(url("/__/quitquitquit")).catch(() => undefined); // server may not be up: kill below
    const timer = setTimeout(() => child.kill("SIGKILL"), CLI_KILL_GRACE_MS);
    await exited;
    clearTimeout(timer);
  }

  return { child, output: () => output, fetchManifest, stop };
}
