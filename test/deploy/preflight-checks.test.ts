/**
 * Preflight's offline judging on the repo's real deploy plan, and on that plan with one thing broken
 * each: every breakage must be a failure that names what to do.
 */
import assert from "node:assert/strict";
import { PRODUCT_TARGETS } from "../../tools/preflight/args";
import { planDeploy, type DeployPlan, type FunctionsPlan } from "../../tools/preflight/deploy-plan";
import type { Finding } from "../../tools/preflight/findings";
import { deployStepFinding, offlineFindings, projectFindings } from "../../tools/preflight/offline-checks";
import { readText, REPO } from "./repo";

const NOW = new Date("2026-01-15T00:00:00Z");

describe("preflight offline checks", function () {
  this.timeout(60_000);
  let plan: DeployPlan;
  let bundle: string;
  before(async () => {
    plan = await planDeploy({
      projectDir: REPO,
      project: "demo-aideon-perf",
      only: PRODUCT_TARGETS,
      runPredeploy: false,
    });
    bundle = readText("functions/lib/index.js");
  });

  const judge = (p: DeployPlan): Finding[] =>
    offlineFindings({ plan: p, bundles: { "aideon-perf": bundle }, now: NOW }, PRODUCT_TARGETS);
  const failures = (p: DeployPlan) => judge(p).filter((f) => f.status === "fail");
  /** The plan with `change` applied to a copy of its functions codebase. */
  const withFunctions = (change: (f: FunctionsPlan) => void): DeployPlan => {
    const copy = structuredClone(plan);
    change(copy.functions[0] as FunctionsPlan);
    return copy;
  };

  it("finds nothing to fail in the repo as it is", () => {
    assert.deepEqual(failures(plan), []);
  });

  it("fails a project id that is a placeholder or malformed, with the command that sets the alias", () => {
    const [finding] = projectFindings("replace-with-production-project-id", "production");
    assert.equal(finding?.status, "fail");
    assert.match(finding?.fix ?? "", /npx firebase use --add \(choose the project, name it production\)/);
    assert.equal(projectFindings("My-Project", undefined)[0]?.status, "fail");
    assert.equal(projectFindings("acme-perf-prod", "production")[0]?.status, "pass");
  });

  it("fails a webhook URL put in a .env file, where it would be deployed as plain configuration", () => {
    const leaked = failures(
      withFunctions((f) => (f.userEnvs.ALERT_WEBHOOK_URL = "https://hooks.slack.com/services/T/B/X")),
    );
    assert.equal(leaked.length, 1);
    assert.match(
      leaked[0]?.message ?? "",
      /^ALERT_WEBHOOK_URL is set in functions\/\.env: a webhook URL is a credential/,
    );
    assert.match(
      leaked[0]?.fix ?? "",
      /npx firebase functions:secrets:set ALERT_WEBHOOK_URL --project demo-aideon-perf/,
    );
  });

  it("fails a secret whose description does not say how to set it, and warns about one that does", () => {
    const documented = judge(
      withFunctions((f) =>
        f.secretParams.push({
          name: "ALERT_WEBHOOK_URL",
          type: "secret",
          description: "Set it with `npx firebase functions:secrets:set ALERT_WEBHOOK_URL`",
        }),
      ),
    );
    assert.ok(
      documented.some(
        (f) => f.status === "warn" && /secret ALERT_WEBHOOK_URL must exist in Secret Manager/.test(f.message),
      ),
    );
    const silent = failures(withFunctions((f) => f.secretParams.push({ name: "API_TOKEN", type: "secret" })));
    assert.match(silent[0]?.message ?? "", /secret API_TOKEN does not say how to set it/);
  });

  it("fails a Hosting rewrite to a function that is not deployed, or is not an https function", () => {
    const missing = structuredClone(plan);
    missing.hosting[0]!.rewrites[0]!.api = { glob: "/api/**", function: "api" };
    assert.match(
      failures(missing)[0]?.message ?? "",
      /rewrite \/api\/\*\* -> function api \(us-central1\): no such function in this deploy/,
    );
    const callable = withFunctions((f) => (f.functions.find((x) => x.id === "api")!.trigger = "callable"));
    assert.match(
      failures(callable)[0]?.message ?? "",
      /api is callable, and Hosting forwards plain HTTP requests/,
    );
  });

  it("fails an index or TTL policy on a collection or field the functions never name, and a second TTL field", () => {
    const typo = structuredClone(plan);
    typo.firestore[0]!.indexes!.fieldOverrides.push({
      collectionGroup: "perf_trace",
      fieldPath: "expire_at",
      ttl: true,
      indexes: [],
    });
    typo.firestore[0]!.indexes!.fieldOverrides.push({
      collectionGroup: "perf_traces",
      fieldPath: "expires",
      ttl: true,
      indexes: [],
    });
    const messages = failures(typo).map((f) => f.message);
    assert.ok(
      messages.some((m) =>
        /fieldOverrides\[\d+\]: collection perf_trace is not named anywhere in the functions bundle/.test(m),
      ),
      messages.join("\n"),
    );
    assert.ok(
      messages.some((m) => /field perf_traces\.expires is not named/.test(m)),
      messages.join("\n"),
    );
    assert.ok(
      messages.some((m) => /perf_traces has 2 TTL fields \(expire_at, expires\)/.test(m)),
      messages.join("\n"),
    );
  });

  it("turns firebase-tools' non-interactive params error into the .env files to fill in", () => {
    const finding = deployStepFinding(
      "functions",
      "In non-interactive mode but have no value for the following environment variables: TRACE_RETENTION_DAYS",
      [],
      "staging",
    );
    assert.equal(finding.status, "fail");
    assert.match(
      finding.fix ?? "",
      /functions\/\.env \(the committed default\) or functions\/\.env\.staging/,
    );
  });
});
