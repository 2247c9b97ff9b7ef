/**
 * Function discovery as `firebase deploy` does it (firebase-tools runtimes/node Delegate.discoverBuild):
 * the CLI's own delegate starts the firebase-functions SDK with FUNCTIONS_CONTROL_API=true in the source
 * dir and the CLI's own detectFromPort reads GET /__/functions.yaml. The one difference is the port: the
 * CLI takes 8000 + random(0, 1000); we take the first free one of DISCOVERY_PORTS, a band clear of the
 * emulator ports (8080, ...) that a local stack or test run may hold at the same time.
 */
import { createServer } from "node:net";
import { detectFromPort, type Build, type RuntimeDelegate } from "./firebase-tools";

export const DISCOVERY_PORTS = { first: 8500, last: 8599 };

function isFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once("error", () => resolve(false));
    server.listen(port, "127.0.0.1", () => server.close(() => resolve(true)));
  });
}

async function freeDiscoveryPort(): Promise<number> {
  for (let port = DISCOVERY_PORTS.first; port <= DISCOVERY_PORTS.last; port++) {
    if (await isFree(port)) return port;
  }
  throw new Error(`no free port in ${DISCOVERY_PORTS.first}-${DISCOVERY_PORTS.last} for function discovery`);
}

/** The manifest of the codebase `delegate` was made for, loaded with exactly `envs` (plus what the CLI adds). */
export async function discoverBuild(
  delegate: RuntimeDelegate,
  projectId: string,
  runtimeConfig: unknown,
  envs: Record<string, string>,
): Promise<Build> {
  const port = await freeDiscoveryPort();
  const stop = await delegate.serveAdmin(runtimeConfig, envs, String(port));
  try {
    return await detectFromPort(port, projectId, delegate.runtime);
  } finally {
    await stop();
  }
}
