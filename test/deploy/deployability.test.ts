/**
 * DESIGN.md: `functions/` must stay deployable on its own. Cloud Build runs `npm install` from
 * functions/package.json alone, so this builds functions, copies what `firebase deploy` would upload to
 * a temp dir outside the repo, installs it there from the registry, and discovers it with the CLI's own
 * code (the firebase-functions manifest at /__/functions.yaml). Needs the npm registry, no emulator.
 */
import assert from "node:assert/strict";
import { existsSync, rmSync } from "node:fs";
import { dirname, join, relative, sep } from "node:path";
import { discoverBuild } from "../../tools/preflight/discover-functions";
import { functionsEnv, getRuntimeDelegate, type Build } from "../../tools/preflight/firebase-tools";
import {
  bundleProblems,
  copyUploadedFiles,
  mainFile,
  npmInstallAlone,
  readFunctionsPackage,
  run,
} from "../../tools/preflight/standalone-install";
import { readJson, REPO } from "./repo";

const FUNCTIONS_DIR = join(REPO, "functions");
const CALLABLES = ["startTrace", "stopTrace", "addMetric", "recordTraces"];
const INSTALL_TIMEOUT_MS = 5 * 60_000;

interface FunctionsConfig {
  source: string;
  runtime?: string;
  ignore?: string[];
}

const functionsPackage = () => readFunctionsPackage(FUNCTIONS_DIR);

function functionsConfig(): FunctionsConfig {
  const { functions } = readJson<{ functions: FunctionsConfig | FunctionsConfig[] }>("firebase.json");
  const config = [functions].flat().find((c) => c.source === "functions");
  assert.ok(config, 'firebase.json has no functions codebase with source "functions"');
  return config;
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

  before(async () => {
    const build = await run("npm", ["run", "build", "--workspace", "functions"], REPO);
    assert.equal(build.code, 0, `functions build failed:\n${build.output}`);
    ({ dir: deployDir, uploaded } = copyUploadedFiles(FUNCTIONS_DIR, functionsConfig().ignore));
    const install = await npmInstallAlone(deployDir);
    assert.equal(install.code, 0, `npm install in ${deployDir} failed:\n${install.output}`);
  });

  after(() => {
    if (deployDir) rmSync(deployDir, { recursive: true, force: true });
  });

  it("uploads package.json and the built lib/, not sources or node_modules", () => {
    for (const file of ["package.json", mainFile(functionsPackage())])
      assert.ok(uploaded.includes(file), `${file} is not uploaded`);
    for (const dir of ["src", "node_modules"]) {
      assert.ok(!uploaded.some((f) => f.startsWith(dir + sep)), `${dir}/ is uploaded`);
    }
  });

  it("sits where nothing of the repo can be resolved from", () => {
    const dir = deployDir as string;
    assert.ok(relative(REPO, dir).startsWith(".."), `${dir} is inside the repo`);
    for (let up = dirname(dir); up !== dirname(up); up = dirname(up)) {
      assert.ok(
        !existsSync(join(up, "node_modules")),
        `${up}/node_modules exists: modules could resolve from outside`,
      );
    }
  });

  it("bundles the core: lib/ requires only built-ins and declared dependencies, resolved inside the copy", () => {
    assert.deepEqual(bundleProblems(deployDir as string), []);
  });

  it("is discovered like `firebase deploy` does (its own delegate and /__/functions.yaml): the manifest lists the four callables", async () => {
    const dir = deployDir as string;
    const delegate = await getRuntimeDelegate({
      projectId: "demo-aideon-perf",
      sourceDir: dir,
      projectDir: dir,
      runtime: functionsConfig().runtime,
    });
    const firebaseConfig = { projectId: "demo-aideon-perf" };
    const build: Build = await discoverBuild(
      delegate,
      "demo-aideon-perf",
      { firebase: firebaseConfig },
      functionsEnv.loadFirebaseEnvs(firebaseConfig, "demo-aideon-perf"),
    );
    for (const name of CALLABLES) {
      const endpoint = build.endpoints[name] as Record<string, unknown> | undefined;
      assert.ok(endpoint, `no endpoint ${name}; manifest has ${Object.keys(build.endpoints).join(", ")}`);
      assert.equal(endpoint.entryPoint, name);
      assert.equal(endpoint.platform, "gcfv2");
      assert.equal(
        typeof endpoint.callableTrigger,
        "object",
        `${name} is not a callable: ${JSON.stringify(endpoint)}`,
      );
    }
  });
});
