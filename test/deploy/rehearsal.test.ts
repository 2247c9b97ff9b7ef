/**
 * The deploy rehearsal: firebase-tools' own deploy preparation (tools/preflight/deploy-plan.ts), run as
 * far as it goes offline for the documented command, and what it would deploy: every function with its
 * trigger and region, params resolved from functions/.env without prompting and no secret to set, the
 * Hosting rewrite to the api function, the Firestore rules and index specs. No emulator, no network;
 * function discovery listens on a port in 8500-8599.
 */
import assert from "node:assert/strict";
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { COLLECTIONS } from "../../functions/src/firestore";
import { PRODUCT_TARGETS } from "../../tools/preflight/args";
import { planDeploy, type DeployPlan, type FunctionsPlan } from "../../tools/preflight/deploy-plan";
import {
  backends,
  promptForCleanupPolicyDays,
  promptForFailurePolicies,
} from "../../tools/preflight/firebase-tools";
import { run } from "../../tools/preflight/standalone-install";
import { readJson, readText, REPO } from "./repo";

const PROJECT = "demo-aideon-perf";
const REGION = "us-central1";
const FIRESTORE_CREATED = "event google.cloud.firestore.document.v1.created";
const FIRESTORE_UPDATED = "event google.cloud.firestore.document.v1.updated";

/** The product's functions: names are the public contract (clients call callables by name). */
const EXPECTED_FUNCTIONS: Record<string, string> = {
  startTrace: "callable",
  stopTrace: "callable",
  addMetric: "callable",
  recordTraces: "callable",
  getStats: "callable",
  getTraceSummary: "callable",
  getSlowOperations: "callable",
  setThresholds: "callable",
  createAgentKey: "callable",
  revokeAgentKey: "callable",
  getSystemMetrics: "callable",
  getHealth: "callable",
  setHealthConfig: "callable",
  getAlerts: "callable",
  ingestHostMetrics: "https",
  api: "https",
  aggregateTraceBatch: `${FIRESTORE_CREATED} perf_trace_batches/{chunkId}`,
  aggregateStoppedTrace: `${FIRESTORE_UPDATED} perf_traces/{traceId}`,
  sendAlertNotification: `${FIRESTORE_CREATED} perf_alert_notifications/{notificationId}`,
  foldAggregates: "schedule every 1 minutes",
  markAbandonedTraces: "schedule every 5 minutes",
  evaluateHealth: "schedule every 1 minutes",
};

const dotenv = (path: string): Record<string, string> =>
  Object.fromEntries(
    readText(path)
      .split("\n")
      .filter((line) => /^[A-Z_][A-Z0-9_]*=/.test(line))
      .map((line) => [line.slice(0, line.indexOf("=")), line.slice(line.indexOf("=") + 1)]),
  );

const onlyCodebase = (plan: DeployPlan): FunctionsPlan => {
  assert.equal(plan.functions.length, 1, "one functions codebase");
  return plan.functions[0] as FunctionsPlan;
};

describe("deploy rehearsal (firebase-tools' deploy preparation, offline)", function () {
  this.timeout(120_000);
  let plan: DeployPlan;
  let functions: FunctionsPlan;

  before(async () => {
    plan = await planDeploy({ projectDir: REPO, project: PROJECT, only: PRODUCT_TARGETS });
    functions = onlyCodebase(plan);
  });

  it("deploys Firestore, the functions and Hosting: every target the product needs", () => {
    assert.deepEqual(plan.targets, ["firestore", "functions", "hosting"]);
    assert.deepEqual(plan.configWarnings, [], "firebase.json follows firebase-tools' schema");
  });

  it("builds the bundle, discovers every function from /__/functions.yaml with its trigger, in us-central1", () => {
    const deployed = Object.fromEntries(functions.functions.map((f) => [f.id, f.trigger]));
    for (const [name, trigger] of Object.entries(EXPECTED_FUNCTIONS)) {
      assert.equal(
        deployed[name],
        trigger,
        `${name}: ${deployed[name] ? `trigger ${deployed[name]}` : "not deployed"}`,
      );
    }
    assert.deepEqual([...new Set(functions.functions.map((f) => f.region))], [REGION]);
    assert.ok(
      functions.functions.every((f) => f.endpoint.platform === "gcfv2" && f.codebase === "aideon-perf"),
    );
    assert.deepEqual(functions.requiredAPIs, ["cloudscheduler.googleapis.com"]);
  });

  it("deploys every export of the bundle as a function (nothing exported is left out of the manifest)", async () => {
    const listed = await run(
      process.execPath,
      ["-e", 'console.log(JSON.stringify(Object.keys(require("./lib/index.js"))))'],
      join(REPO, "functions"),
    );
    assert.equal(listed.code, 0, listed.output);
    const exported = (JSON.parse(listed.output.trim().split("\n").pop() as string) as string[]).sort();
    assert.deepEqual(
      functions.functions.map((f) => f.id),
      exported,
    );
  });

  it("resolves every param from functions/.env as a non-interactive deploy does, and needs no secret", () => {
    const committed = dotenv("functions/.env");
    assert.deepEqual(functions.envFiles, ["functions/.env"]);
    for (const param of functions.params) {
      assert.notEqual(
        param.type,
        "secret",
        `secret ${param.name} is declared: a deploy without it in Secret Manager stops`,
      );
      assert.equal(
        functions.paramValues[param.name],
        committed[param.name],
        `${param.name} has no committed default in functions/.env`,
      );
      assert.ok(param.description, `${param.name} has no description`);
    }
    assert.deepEqual(functions.secretParams, []);
    assert.deepEqual(
      functions.functions.filter((f) => f.secrets.length).map((f) => f.id),
      [],
      "no function binds a secret",
    );
  });

  it("stops a non-interactive first deploy (retried triggers, image cleanup) unless --force: firebase-tools' own gates", async () => {
    assert.deepEqual(
      functions.functions.filter((f) => f.retry).map((f) => f.id),
      ["aggregateStoppedTrace", "aggregateTraceBatch", "sendAlertNotification"],
    );
    const regions = [...new Set(functions.functions.map((f) => f.region))];
    const stopped = { nonInteractive: true, force: false };
    await assert.rejects(
      promptForFailurePolicies(stopped, functions.backend, backends.empty()),
      /Pass the --force option/,
    );
    await assert.rejects(promptForCleanupPolicyDays(stopped, regions), /Pass the --force option/);
    const forced = { nonInteractive: true, force: true };
    await promptForFailurePolicies(forced, functions.backend, backends.empty());
    assert.equal(await promptForCleanupPolicyDays(forced, regions), 1, "images kept 1 day");
  });

  it("rewrites /api/** on Hosting to the api function's Cloud Run service and uploads hosting/ with the built dashboard", () => {
    const [site, ...others] = plan.hosting;
    assert.deepEqual(others, []);
    assert.equal(site?.site, PROJECT, "the project's default site");
    assert.equal(site?.public, "hosting");
    assert.deepEqual(site?.files, [
      "dashboard/app.js",
      "dashboard/index.html",
      "dashboard/styles.css",
      "index.html",
    ]);
    assert.deepEqual(
      site?.rewrites.map((r) => r.api),
      [{ glob: "/api/**", run: { serviceId: "api", region: REGION } }],
    );
  });

  it("deploys firestore.rules and firestore.indexes.json, indexes and TTL policies validated by firebase-tools", () => {
    const [target, ...others] = plan.firestore;
    assert.deepEqual(others, []);
    assert.equal(target?.database, "(default)");
    assert.equal(target?.rulesFile, "firestore.rules");
    assert.equal(target?.rules, readText("firestore.rules"));
    assert.equal(target?.indexesFile, "firestore.indexes.json");
    const file = readJson<{ indexes: unknown[]; fieldOverrides: unknown[] }>("firestore.indexes.json");
    assert.deepEqual(target?.indexes, file, "the spec firebase-tools would send is the file as written");
    const ttl = target?.indexes?.fieldOverrides
      .filter((o) => o.ttl)
      .map((o) => `${o.collectionGroup}.${o.fieldPath}`);
    for (const collection of [
      COLLECTIONS.traces,
      COLLECTIONS.traceBatches,
      COLLECTIONS.slowOperations,
      COLLECTIONS.alerts,
      COLLECTIONS.alertNotifications,
    ]) {
      assert.ok(ttl?.includes(`${collection}.expire_at`), `no TTL policy on ${collection}.expire_at`);
    }
  });

  describe("per-alias settings", () => {
    let configDir: string | undefined;
    after(() => {
      if (configDir) rmSync(configDir, { recursive: true, force: true });
    });

    it("--project staging loads functions/.env.staging over functions/.env", async () => {
      const staging = onlyCodebase(
        await planDeploy({
          projectDir: REPO,
          project: "staging",
          only: PRODUCT_TARGETS,
          runPredeploy: false,
        }),
      );
      assert.deepEqual(staging.envFiles, ["functions/.env", "functions/.env.staging"]);
      assert.equal(
        staging.paramValues.TRACE_RETENTION_DAYS,
        dotenv("functions/.env.staging").TRACE_RETENTION_DAYS,
      );
      assert.deepEqual(staging.secretParams, []);
    });

    it("ALERT_WEBHOOK_ENABLED=true declares the ALERT_WEBHOOK_URL secret, bound to sendAlertNotification alone", async () => {
      configDir = mkdtempSync(join(tmpdir(), "aideon-perf-env-"));
      copyFileSync(join(REPO, "functions/.env"), join(configDir, ".env"));
      writeFileSync(join(configDir, ".env.production"), "ALERT_WEBHOOK_ENABLED=true\n");
      const production = onlyCodebase(
        await planDeploy({
          projectDir: REPO,
          project: "production",
          only: PRODUCT_TARGETS,
          runPredeploy: false,
          configDir,
        }),
      );
      assert.deepEqual(
        production.secretParams.map((s) => s.name),
        ["ALERT_WEBHOOK_URL"],
      );
      assert.match(
        production.secretParams[0]?.description ?? "",
        /npx firebase functions:secrets:set ALERT_WEBHOOK_URL/,
      );
      assert.deepEqual(
        production.functions.filter((f) => f.secrets.length).map((f) => [f.id, f.secrets]),
        [["sendAlertNotification", ["ALERT_WEBHOOK_URL"]]],
      );
    });
  });
});
