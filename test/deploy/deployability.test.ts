/**
 * DESIGN.md: `functions/` must stay deployable on its own. Cloud Build runs `npm install` from
 * functions/package.json alone, so this builds functions, copies what `firebase deploy` would upload to
 * a temp dir outside the repo, installs it there from the registry, and discovers it the way the CLI
 * does (the firebase-functions manifest at /__/functions.yaml). Needs the npm registry, no emulator.
 */
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readlinkSync, realpathSync, rmSync } from "node:fs";
import { isBuiltin } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join, relative, resolve, sep } from "node:path";
import { startDiscoveryServer, type DiscoveryServer } from "./functions-discovery";
import { filesFirebaseWouldUpload } from "./upload-files";

const REPO = resolve(__dirname, "../..");
const FUNCTIONS_DIR = join(REPO, "functions");
const CALLABLES = ["startTrace", "stopTrace", "addMetric", "recordTraces"];
const INSTALL_TIMEOUT_MS = 5 * 60_000;

interface PackageJson {
  main?: string;
  engines?: { node?: string };
  dependencies?: Record<string, string>;
}
interface FunctionsConfig {
  source: string;
  runtime?: string;
  ignore?: string[];
}

const readJson = <T>(path: string): T => JSON.parse(readFileSync(path, "utf8")) as T;
const functionsPackage = () => readJson<PackageJson>(join(FUNCTIONS_DIR, "package.json"));
/** The entry point the runtime loads, relative to the package (Node's default when "main" is absent). */
const mainFile = () => (functionsPackage().main ?? "index.js").replace(/^\.\//, "");

function functionsConfig(): FunctionsConfig {
  const { functions } = readJson<{ functions: FunctionsConfig | FunctionsConfig[] }>(join(REPO, "firebase.json"));
  const config = [functions].flat().find((c) => c.source === "functions");
  assert.ok(config, 'firebase.json has no functions codebase with source "functions"');
  return config;
}

/** Runs a command to completion; output is kept for the failure message. */
function run(cmd: string, args: string[], cwd: string, env = process.env): Promise<{ code: number | null; output: string }> {
  return new Promise((done, fail) => {
    const child = spawn(cmd, args, { cwd, env, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.once("error", fail);
    child.once("close", (code) => done({ code, output }));
  });
}

/** String-literal require() targets of a CommonJS bundle, and whether any require() is not one. */
function requiredModules(code: string): { specifiers: string[]; allLiteral: boolean } {
  const specifiers = [...code.matchAll(/\brequire\(\s*(["'])([^"']+)\1\s*\)/g)].map((m) => m[2] as string);
  return { specifiers: [...new Set(specifiers)], allLiteral: specifiers.length === (code.match(/\brequire\(/g) ?? []).length };
}

describe("functions/ package manifest", () => {
  it('declares engines.node "22", matching the runtime in firebase.json', () => {
    assert.equal(functionsPackage().engines?.node, "22");
    assert.equal(functionsConfig().runtime ?? "nodejs22", "nodejs22");
  });

  it("depends on registry packages only (no file:, link:, workspace: or path references)", () => {
    for (const [name, spec] of Object.entries(functionsPackage().dependencies ?? {})) {
      assert.doesNotMatch(spec, /^(file:|link:|workspace:|portal:|\.|\/|~)/, `dependency ${name}: "${spec}"`);
      assert.ok(!name.startsWith("@aideon-perf/"), `dependency ${name} is a workspace package`);
    }
  });
});

describe("functions/ deployed on its own", function () {
  this.timeout(INSTALL_TIMEOUT_MS + 60_000);
  let deployDir: string | undefined;
  let uploaded: string[] = [];
  let server: DiscoveryServer | undefined;

  before(async () => {
    const build = await run("npm", ["run", "build", "--workspace", "functions"], REPO);
    assert.equal(build.code, 0, `functions build failed:\n${build.output}`);

    deployDir = realpathSync(mkdtempSync(join(tmpdir(), "aideon-perf-functions-")));
    uploaded = filesFirebaseWouldUpload(FUNCTIONS_DIR, functionsConfig().ignore).map((f) => relative(FUNCTIONS_DIR, f));
    for (const file of uploaded) {
      const target = join(deployDir, file);
      mkdirSync(dirname(target), { recursive: true });
      copyFileSync(join(FUNCTIONS_DIR, file), target);
    }

    // Only functions/package.json decides what is installed: no lock file, no workspace, and none of
    // an outer `npm test`'s npm_* settings.
    const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.toLowerCase().startsWith("npm_")));
    const install = await run("npm", ["install", "--no-audit", "--no-fund"], deployDir, env);
    assert.equal(install.code, 0, `npm install in ${deployDir} failed:\n${install.output}`);
  });

  after(async () => {
    await server?.stop();
    if (deployDir) rmSync(deployDir, { recursive: true, force: true });
  });

  it("uploads package.json and the built lib/, not sources or node_modules", () => {
    for (const file of ["package.json", mainFile()]) assert.ok(uploaded.includes(file), `${file} is not uploaded`);
    for (const dir of ["src", "node_modules"]) {
      assert.ok(!uploaded.some((f) => f.startsWith(dir + sep)), `${dir}/ is uploaded`);
    }
  });

  it("sits where nothing of the repo can be resolved from", () => {
    const dir = deployDir as string;
    assert.ok(relative(REPO, dir).startsWith(".."), `${dir} is inside the repo`);
    for (let up = dirname(dir); up !== dirname(up); up = dirname(up)) {
      assert.ok(!existsSync(join(up, "node_modules")), `${up}/node_modules exists: modules could resolve from outside`);
    }
  });

  it("bundles the core: lib/ requires only built-ins and declared dependencies, resolved inside the copy", () => {
    const dir = deployDir as string;
    const libDir = dirname(join(dir, mainFile()));
    const bundle = readFileSync(join(dir, mainFile()), "utf8");
    const { specifiers, allLiteral } = requiredModules(bundle);
    assert.ok(allLiteral, "lib/ has a require() with a computed argument");
    assert.ok(!bundle.includes("@aideon-perf/"), "lib/ still refers to a workspace package (@aideon-perf/...)");
    const dependencies = Object.keys(functionsPackage().dependencies ?? {});
    for (const spec of specifiers.filter((s) => !isBuiltin(s))) {
      assert.ok(dependencies.some((d) => spec === d || spec.startsWith(`${d}/`)), `lib/ requires undeclared "${spec}"`);
      const resolved = realpathSync(require.resolve(spec, { paths: [libDir] }));
      assert.ok(resolved.startsWith(dir + sep), `"${spec}" resolves outside the copy: ${resolved}`);
    }
  });

  it("is discovered like `firebase deploy` does: the manifest lists the four callables", async () => {
    const dir = deployDir as string;
    server = await startDiscoveryServer(dir, "demo-aideon-perf");
    const manifest = (await server.fetchManifest()) as { specVersion?: string; endpoints?: Record<string, Record<string, unknown>> };
    if (process.platform === "linux") {
      // The SDK bin loads the package at "." (it ignores a single directory argument): cwd is what counts.
      assert.equal(readlinkSync(`/proc/${server.child.pid}/cwd`), dir);
    }

    assert.equal(manifest.specVersion, "v1alpha1");
    const endpoints = manifest.endpoints ?? {};
    for (const name of CALLABLES) {
      const endpoint = endpoints[name];
      assert.ok(endpoint, `no endpoint ${name}; manifest has ${Object.keys(endpoints).join(", ")}`);
      assert.equal(endpoint.entryPoint, name);
      assert.equal(endpoint.platform, "gcfv2");
      assert.equal(typeof endpoint.callableTrigger, "object", `${name} is not a callable: ${JSON.stringify(endpoint)}`);
    }
  });
});
