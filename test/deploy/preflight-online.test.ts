/**
 * Preflight's online checks without the network: the credentials lookup, and the judging of answers in
 * the shapes the Google APIs document, through a fake `get` that records which resources were read.
 * Whether the real services answer so is not tested here (no credentials, no network).
 */
import assert from "node:assert/strict";
import { findCredentialsFile } from "../../tools/preflight/credentials";
import type { DeployPlan, FirestorePlan } from "../../tools/preflight/deploy-plan";
import { API_URLS, type ApiAnswer } from "../../tools/preflight/google-apis";
import {
  allowStatements,
  judgeAuth,
  judgeDatabase,
  judgeHosting,
  judgeRules,
  judgeSecret,
  onlineFindings,
} from "../../tools/preflight/online-checks";
import { readText } from "./repo";

const ok = (body: unknown): ApiAnswer => ({ status: 200, body });
const notFound: ApiAnswer = { status: 404, body: { error: { status: "NOT_FOUND", message: "not found" } } };

describe("preflight credentials lookup", () => {
  it("takes GOOGLE_APPLICATION_CREDENTIALS, else gcloud's well-known file, and says which is missing", () => {
    const none = () => false;
    assert.deepEqual(
      findCredentialsFile(
        { GOOGLE_APPLICATION_CREDENTIALS: "/k.json" },
        "linux",
        "/home/u",
        (p) => p === "/k.json",
      ),
      { found: true, path: "/k.json" },
    );
    assert.match(
      (
        findCredentialsFile({ GOOGLE_APPLICATION_CREDENTIALS: "/k.json" }, "linux", "/home/u", none) as {
          reason: string;
        }
      ).reason,
      /names \/k\.json, which does not exist/,
    );
    const wellKnown = "/home/u/.config/gcloud/application_default_credentials.json";
    assert.deepEqual(
      findCredentialsFile({}, "linux", "/home/u", (p) => p === wellKnown),
      { found: true, path: wellKnown },
    );
    assert.match(
      (findCredentialsFile({}, "linux", "/home/u", none) as { reason: string }).reason,
      /GOOGLE_APPLICATION_CREDENTIALS is unset and .*application_default_credentials\.json does not exist/,
    );
  });
});

describe("preflight online judging", () => {
  const ours: FirestorePlan = {
    database: "(default)",
    rulesFile: "firestore.rules",
    rules: readText("firestore.rules"),
  };

  it("keeps rules that take nothing away: our own, the default deny-all, an app's merged with ours", () => {
    const ruleset = (content: string) =>
      ok({ source: { files: [{ name: "firestore.rules", content }] }, createTime: "2026-01-01T00:00:00Z" });
    const release = ok({ rulesetName: "projects/p/rulesets/1" });
    assert.equal(judgeRules(ours, release, ruleset(ours.rules as string)).status, "pass");
    const denyAll =
      "rules_version = '2';\nservice cloud.firestore { match /databases/{database}/documents { match /{document=**} { allow read, write: if false; } } }";
    assert.equal(judgeRules(ours, release, ruleset(denyAll)).status, "pass");
    const app =
      "service cloud.firestore {\n match /databases/{database}/documents {\n  match /todos/{id} { allow read, write: if request.auth.uid == resource.data.owner; }\n }\n}";
    const lost = judgeRules(ours, release, ruleset(app));
    assert.equal(lost.status, "fail");
    assert.match(
      lost.message,
      /drops 1 of their allow statements, e\.g\. \/databases\/\{database\}\/documents \/todos\/\{id\} allow read, write: if request\.auth\.uid == resource\.data\.owner;/,
    );
    const merged = {
      ...ours,
      rules: (ours.rules as string).replace(
        "    // aideon-perf: admin-readable",
        "    match /todos/{id} {\n      allow read, write: if request.auth.uid == resource.data.owner;\n    }\n    // aideon-perf: admin-readable",
      ),
    };
    assert.equal(judgeRules(merged, release, ruleset(app)).status, "pass");
    assert.equal(judgeRules(ours, notFound, undefined).status, "pass", "nothing released yet");
  });

  it("reads allow statements with their match path, ignoring comments and spacing", () => {
    assert.deepEqual(
      [
        ...allowStatements(
          "service cloud.firestore { // x\n match /a/{b} {\n function f() { return true; }\n allow  get:\n if f(); } }",
        ),
      ],
      ["/a/{b} allow get: if f();"],
    );
  });

  it("fails a default Hosting site that serves something else, passes one that serves us or nothing", () => {
    const plan = {
      site: "p",
      public: "hosting",
      files: ["index.html"],
      rewrites: [{ config: {}, api: { glob: "/api/**", run: { serviceId: "api", region: "us-central1" } } }],
    };
    const sites = ok({ sites: [{ name: "projects/1/sites/p-app", type: "DEFAULT_SITE" }] });
    const appSite = ok({
      release: {
        releaseTime: "2026-01-01T00:00:00Z",
        version: { fileCount: "120", config: { rewrites: [{ glob: "**", path: "/index.html" }] } },
      },
    });
    const failing = judgeHosting(plan, sites, appSite);
    assert.equal(failing.status, "fail");
    assert.match(failing.message, /Hosting site p-app serves something else \(120 files/);
    const served = ok({
      release: {
        version: {
          config: { rewrites: [{ glob: "/api/**", run: { serviceId: "api", region: "us-central1" } }] },
        },
      },
    });
    assert.equal(judgeHosting(plan, sites, served).status, "pass");
    assert.equal(judgeHosting(plan, sites, notFound).status, "pass");
  });

  it("needs Auth with a provider, Anonymous for the examples; a secret that exists before it is declared", () => {
    assert.equal(
      judgeAuth("p", { status: 404, body: { error: { message: "CONFIGURATION_NOT_FOUND" } } }, notFound)
        .status,
      "fail",
    );
    assert.equal(judgeAuth("p", ok({ signIn: { anonymous: { enabled: true } } }), ok({})).status, "pass");
    const googleOnly = judgeAuth(
      "p",
      ok({ signIn: {} }),
      ok({
        defaultSupportedIdpConfigs: [
          { name: "projects/p/defaultSupportedIdpConfigs/google.com", enabled: true },
        ],
      }),
    );
    assert.equal(googleOnly.status, "warn");
    assert.match(googleOnly.message, /only users signed in with google\.com can record/);
    assert.equal(judgeSecret("p", "ALERT_WEBHOOK_URL", true, notFound).status, "fail");
    assert.equal(judgeSecret("p", "ALERT_WEBHOOK_URL", true, ok({ state: "ENABLED" })).status, "pass");
    assert.equal(
      judgeSecret("p", "ALERT_WEBHOOK_URL", false, ok({ state: "ENABLED" })).status,
      "warn",
      "set but not turned on",
    );
  });

  it("warns that Firestore triggers follow a database outside nam5, and fails Datastore mode", () => {
    const europe = judgeDatabase(ours, ok({ locationId: "eur3", type: "FIRESTORE_NATIVE" }), ["us-central1"]);
    assert.equal(europe.status, "warn");
    assert.match(
      europe.message,
      /the Firestore triggers deploy to europe-west1, the other functions to us-central1/,
    );
    assert.equal(
      judgeDatabase(ours, ok({ locationId: "nam5", type: "FIRESTORE_NATIVE" }), ["us-central1"]).status,
      "pass",
    );
    assert.equal(
      judgeDatabase(ours, ok({ locationId: "nam5", type: "DATASTORE_MODE" }), ["us-central1"]).status,
      "fail",
    );
  });

  it("reads each documented resource once and turns a request that throws into a warning", async () => {
    const plan = {
      projectId: "acme-perf",
      functions: [
        {
          functions: [{ id: "api", region: "us-central1", trigger: "https" }],
          secretParams: [],
          requiredAPIs: ["cloudscheduler.googleapis.com"],
          userEnvs: {},
        },
      ],
      hosting: [],
      firestore: [ours],
    } as unknown as DeployPlan;
    const asked: string[] = [];
    const findings = await onlineFindings(async (url) => {
      asked.push(url);
      if (url === API_URLS.billing("acme-perf")) return ok({ billingEnabled: false });
      if (url.startsWith("https://identitytoolkit.")) throw new Error("connect ETIMEDOUT");
      return notFound;
    }, plan);
    assert.ok(asked.includes("https://cloudbilling.googleapis.com/v1/projects/acme-perf/billingInfo"));
    assert.ok(
      asked.includes("https://firebaserules.googleapis.com/v1/projects/acme-perf/releases/cloud.firestore"),
    );
    assert.ok(
      asked.includes(
        "https://secretmanager.googleapis.com/v1/projects/acme-perf/secrets/ALERT_WEBHOOK_URL/versions/latest",
      ),
    );
    assert.equal(new Set(asked).size, asked.length);
    assert.ok(findings.some((f) => f.status === "fail" && /Spark plan/.test(f.message)));
    assert.ok(
      findings.some(
        (f) => f.status === "warn" && /could not check the Auth providers: connect ETIMEDOUT/.test(f.message),
      ),
    );
  });
});
