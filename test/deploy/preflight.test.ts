/**
 * `npm run preflight` as a user runs it, on this repo: offline, with no application default credentials
 * (HOME is an empty temp dir, GOOGLE_APPLICATION_CREDENTIALS unset), so the online checks report
 * themselves not run. The standalone install is skipped here: test/deploy/deployability.test.ts runs it.
 */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { run } from "../../tools/preflight/standalone-install";
import { REPO } from "./repo";

describe("npm run preflight", function () {
  this.timeout(120_000);
  let home: string;
  before(() => {
    home = mkdtempSync(join(tmpdir(), "aideon-perf-home-"));
  });
  after(() => rmSync(home, { recursive: true, force: true }));

  const preflight = (...args: string[]) => {
    const env: NodeJS.ProcessEnv = { ...process.env, HOME: home };
    delete env.GOOGLE_APPLICATION_CREDENTIALS;
    return run("npm", ["run", "--silent", "preflight", "--", ...args, "--skip-install"], REPO, env);
  };

  it("passes for demo-aideon-perf offline, and says the online checks were not run for want of credentials", async () => {
    const { code, output } = await preflight("--project", "demo-aideon-perf");
    assert.equal(code, 0, output);
    assert.match(output, /^preflight passed: \d+ ok, \d+ warnings, 0 failed, 2 skipped$/m);
    assert.match(
      output,
      /ok {4}firebase deploy --only functions,firestore,hosting deploys firestore, functions, hosting/,
    );
    assert.match(output, /ok {4}\d+ functions discovered from \/__\/functions\.yaml \(\d+ callable, /);
    assert.match(
      output,
      /ok {4}rewrite \/api\/\*\* -> function api \(us-central1\): Cloud Run service api in us-central1/,
    );
    assert.match(output, /ok {4}no secrets to set: alert notifications are off/);
    assert.match(
      output,
      /skip {2}not run: the online checks \(Cloud Billing, .*\): no application default credentials \(GOOGLE_APPLICATION_CREDENTIALS is unset and .*application_default_credentials\.json does not exist\)/,
    );
    assert.match(output, /-> gcloud auth application-default login/);
  });

  it("fails for an alias still on its placeholder, and says how to point it at a project", async () => {
    const { code, output } = await preflight("--project", "staging");
    assert.equal(code, 1, output);
    assert.match(
      output,
      /FAIL {2}alias staging -> project replace-with-staging-project-id: not a Google Cloud project id/,
    );
    assert.match(
      output,
      /-> point the alias at your project: npx firebase use --add \(choose the project, name it staging\)/,
    );
    assert.match(output, /skip {2}not run: .*: no valid project to check/);
  });

  it("fails a deploy that leaves Hosting out, naming what is missing", async () => {
    const { code, output } = await preflight(
      "--project",
      "demo-aideon-perf",
      "--only",
      "functions,firestore",
    );
    assert.equal(code, 1, output);
    assert.match(output, /FAIL {2}firebase deploy --only functions,firestore leaves out hosting/);
  });
});
