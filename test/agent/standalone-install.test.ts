/**
 * The agent installs on a host on its own: `npm pack` the workspace, install the tarball in a temp dir
 * outside the repo from the registry, and run the installed bin on plain Node (no tsx, nothing of the
 * monorepo). Needs the npm registry, like test/deploy/deployability.test.ts.
 */
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import {
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  realpathSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { isBuiltin } from "node:module";
import os from "node:os";
import { dirname, join, relative, sep } from "node:path";
import { hostMetricsPushRequestSchema, parseRequest } from "@aideon-perf/core";
import { REPO } from "./agent-process";

const INSTALL_TIMEOUT_MS = 5 * 60_000;

/** Neither an outer `npm test`'s npm_* settings nor tsx may reach the commands run here. */
const plainEnv = Object.fromEntries(
  Object.entries(process.env).filter(
    ([key]) =>
      !key.toLowerCase().startsWith("npm_") && key !== "NODE_OPTIONS" && !key.startsWith("AIDEON_AGENT_"),
  ),
);

function run(
  cmd: string,
  args: string[],
  cwd: string,
): Promise<{ code: number | null; stdout: string; output: string }> {
  return new Promise((done, fail) => {
    const child = spawn(cmd, args, { cwd, env: plainEnv, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => ((stdout += chunk.toString()), (output += chunk.toString())));
    child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.once("error", fail);
    child.once("close", (code) => done({ code, stdout, output }));
  });
}

describe("agent installed on a host on its own", function () {
  this.timeout(INSTALL_TIMEOUT_MS + 60_000);
  let dir: string;
  let packed: string[] = [];
  const agentDir = () => join(dir, "node_modules/@aideon-perf/agent");

  before(async () => {
    dir = realpathSync(mkdtempSync(join(os.tmpdir(), "aideon-perf-agent-host-")));
    // prepack builds dist/ first.
    const pack = await run(
      "npm",
      ["pack", "--workspace", "@aideon-perf/agent", "--pack-destination", dir, "--json"],
      REPO,
    );
    assert.equal(pack.code, 0, `npm pack failed:\n${pack.output}`);
    const [info] = JSON.parse(pack.stdout) as { filename: string; files: { path: string }[] }[];
    assert.ok(info);
    packed = info.files.map((f) => f.path).sort();
    writeFileSync(join(dir, "package.json"), JSON.stringify({ name: "a-host", private: true }));
    const install = await run("npm", ["install", "--no-audit", "--no-fund", `./${info.filename}`], dir);
    assert.equal(install.code, 0, `npm install in ${dir} failed:\n${install.output}`);
  });

  after(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  // npm always packs a package's README: the host gets the agent's own docs, and no source or test.
  it("packs the bin, the bundle, package.json and the README only", () => {
    assert.deepEqual(packed, ["README.md", "bin/aideon-perf-agent.js", "dist/cli.js", "package.json"]);
  });

  it("sits where nothing of the repo can be resolved from", () => {
    assert.ok(relative(REPO, dir).startsWith(".."), `${dir} is inside the repo`);
    for (let up = dirname(dir); up !== dirname(up); up = dirname(up)) {
      assert.ok(
        !existsSync(join(up, "node_modules")),
        `${up}/node_modules exists: modules could resolve from outside`,
      );
    }
  });

  it("installs systeminformation as its only dependency", () => {
    const installed = readdirSync(join(dir, "node_modules")).filter((name) => !name.startsWith("."));
    assert.deepEqual(installed.sort(), ["@aideon-perf", "systeminformation"]);
    const manifest = JSON.parse(readFileSync(join(agentDir(), "package.json"), "utf8")) as {
      dependencies: Record<string, string>;
    };
    assert.deepEqual(Object.keys(manifest.dependencies), ["systeminformation"]);
  });

  it("bundles the core: dist/ requires only built-ins and systeminformation, resolved inside the install", () => {
    const bundle = readFileSync(join(agentDir(), "dist/cli.js"), "utf8");
    assert.ok(!bundle.includes("@aideon-perf/"), "dist/ still refers to a workspace package");
    const specifiers = [
      ...bundle.matchAll(/\brequire\(\s*(["'])([^"']+)\1\s*\)|\bimport\(\s*(["'])([^"']+)\3\s*\)/g),
    ].map((m) => m[2] ?? m[4]);
    assert.ok(specifiers.length > 0);
    for (const spec of specifiers as string[]) {
      if (isBuiltin(spec)) continue;
      assert.match(spec, /^systeminformation(\/|$)/, `dist/ requires undeclared "${spec}"`);
      const resolved = realpathSync(require.resolve(spec, { paths: [join(agentDir(), "dist")] }));
      assert.ok(resolved.startsWith(dir + sep), `"${spec}" resolves outside the install: ${resolved}`);
    }
  });

  it("runs --help with plain Node through the installed bin, and through npx", async () => {
    const help = await run(join(dir, "node_modules/.bin/aideon-perf-agent"), ["--help"], dir);
    assert.equal(help.code, 0, help.output);
    assert.match(help.stdout, /^aideon-perf-agent \d+\.\d+\.\d+: /);
    assert.match(help.stdout, /--endpoint URL/);
    const npx = await run("npx", ["--no", "aideon-perf-agent", "--", "--version"], dir);
    assert.equal(npx.code, 0, npx.output);
    assert.match(npx.stdout.trim(), /^\d+\.\d+\.\d+$/);
  });

  it("takes a real sample with --once --dry-run", async () => {
    const once = await run(
      join(dir, "node_modules/.bin/aideon-perf-agent"),
      ["--once", "--dry-run", "--key", "secret-key-1"],
      dir,
    );
    assert.equal(once.code, 0, once.output);
    assert.ok(!once.output.includes("secret-key-1"), "the key was printed");
    const printed = JSON.parse(once.stdout) as { body: unknown; headers: Record<string, string> };
    assert.equal(printed.headers.Authorization, "Bearer [redacted]");
    const body = parseRequest(hostMetricsPushRequestSchema, printed.body);
    assert.equal(body.samples[0]?.cpu.count, os.cpus().length);
    assert.equal(body.samples[0]?.memory.total_bytes, os.totalmem());
  });
});
