/**
 * Which Firestore the rules suite runs against, or why it is skipped. The test runner says what it
 * started in AIDEON_FIRESTORE_KIND: "official" (the Cloud Firestore emulator, which evaluates rules),
 * "local" (our in-memory server, which does not) or "external" (FIRESTORE_EMULATOR_HOST preset by the
 * caller: an unknown server, probed for a rules endpoint before it is trusted).
 */
export interface HostAndPort {
  host: string;
  port: number;
}

export type RulesTarget = ({ run: true } & HostAndPort) | { run: false; reason: string };

/** Appends the runner's sentence on why the official emulator was not chosen, when there is one. */
export function withReason(text: string, env: NodeJS.ProcessEnv): string {
  const reason = env.AIDEON_FIRESTORE_DESCRIPTION?.trim();
  return reason ? `${text}; ${reason}` : text;
}

/** Decides from the environment alone; a server that turns out to have no rules endpoint is found later. */
export function rulesTarget(env: NodeJS.ProcessEnv): RulesTarget {
  const address = env.FIRESTORE_EMULATOR_HOST?.trim();
  if (!address)
    return {
      run: false,
      reason: withReason(
        "FIRESTORE_EMULATOR_HOST is not set, so no emulator evaluates the rules (run `npm test`)",
        env,
      ),
    };
  if (env.AIDEON_FIRESTORE_KIND === "local")
    return { run: false, reason: withReason("local-firestore does not evaluate security rules", env) };
  // URL parsing handles "[::1]:8080" as well as "127.0.0.1:8080".
  const url = new URL(`http://${address}`);
  const port = Number(url.port);
  if (!url.port || !Number.isInteger(port))
    throw new Error(`FIRESTORE_EMULATOR_HOST=${address}: expected host:port`);
  // Unbracketed, as @firebase/rules-unit-testing expects an IPv6 host (it adds the brackets itself).
  return { run: true, host: url.hostname.replace(/^\[(.*)\]$/, "$1"), port };
}

export type RulesLoad = { loaded: true } | { loaded: false; reason: string };

/** HTTP statuses that mean "no such endpoint" rather than "these rules are wrong". */
const NO_ENDPOINT = new Set([404, 405, 501]);

/**
 * Loads the rules for one project with the emulator's own endpoint (the request
 * @firebase/rules-unit-testing sends, made here so that the status is visible). Where the server is
 * known to be the official emulator, a missing endpoint is a failure; elsewhere it means the server
 * cannot evaluate rules and the suite is skipped. A rules compile error always fails.
 */
export async function loadRules(
  target: HostAndPort,
  projectId: string,
  rules: string,
  kind: string | undefined,
): Promise<RulesLoad> {
  const host = target.host.includes(":") ? `[${target.host}]` : target.host;
  const endpoint = `/emulator/v1/projects/${projectId}:securityRules`;
  const res = await fetch(`http://${host}:${target.port}${endpoint}`, {
    method: "PUT",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ rules: { files: [{ name: "firestore.rules", content: rules }] } }),
  });
  if (res.ok) return { loaded: true };
  const body = await res.text();
  if (kind !== "official" && NO_ENDPOINT.has(res.status)) {
    return {
      loaded: false,
      reason: `the Firestore server at ${host}:${target.port} has no rules endpoint (HTTP ${res.status} on PUT ${endpoint})`,
    };
  }
  throw new Error(`loading firestore.rules failed: HTTP ${res.status}: ${body}`);
}
