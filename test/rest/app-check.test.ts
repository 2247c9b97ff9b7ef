/**
 * App Check and instance limits: ENFORCE_APP_CHECK's meaning (auto: on unless a demo- project), the REST
 * API's X-Firebase-AppCheck check on every non-public route, and maxInstances on every function.
 */
import assert from "node:assert/strict";
import { appCheckEnforced, FUNCTIONS_MAX_INSTANCES } from "../../functions/src/config";
import * as fns from "../../functions/src/index";
import { clearFirestore, ensureFirestore } from "../support/firestore";
import { serveApi, tokens } from "./support/world";
import type { Served } from "./support/serve";

describe("App Check and instance limits", function () {
  this.timeout(60_000);

  it("ENFORCE_APP_CHECK: true or false as set; auto (or unset) on for a deployed project, off for a demo- one", () => {
    assert.equal(appCheckEnforced({ ENFORCE_APP_CHECK: "true", GCLOUD_PROJECT: "demo-x" }), true);
    assert.equal(appCheckEnforced({ ENFORCE_APP_CHECK: "false", GCLOUD_PROJECT: "acme-prod" }), false);
    assert.equal(appCheckEnforced({ ENFORCE_APP_CHECK: "auto", GCLOUD_PROJECT: "acme-prod" }), true);
    assert.equal(appCheckEnforced({ GCLOUD_PROJECT: "demo-aideon-perf" }), false);
    assert.equal(appCheckEnforced({ FIREBASE_CONFIG: JSON.stringify({ projectId: "acme-prod" }) }), true);
    assert.equal(appCheckEnforced({}), true, "an unknown project is treated as deployed");
    assert.throws(() => appCheckEnforced({ ENFORCE_APP_CHECK: "yes" }), /ENFORCE_APP_CHECK/);
  });

  it("caps every function at FUNCTIONS_MAX_INSTANCES instances", () => {
    const endpoints = Object.entries(fns).map(
      ([name, fn]) =>
        [name, (fn as { __endpoint?: { maxInstances?: unknown } }).__endpoint?.maxInstances] as const,
    );
    assert.ok(endpoints.length > 20);
    for (const [name, max] of endpoints) assert.equal(max, FUNCTIONS_MAX_INSTANCES, name);
  });

  describe("REST", () => {
    let api: Served;
    before(async () => {
      await ensureFirestore();
      api = await serveApi({
        appCheck: {
          required: true,
          verify: async (token) => {
            if (token !== "valid-app-check-token") throw new Error("rejected");
          },
        },
      });
    });
    beforeEach(clearFirestore);
    after(() => api.close());

    const get = (headers: Record<string, string>) =>
      fetch(`${api.origin}/api/v1/performance/stats`, {
        headers: { authorization: `Bearer ${tokens.admin}`, ...headers },
      });

    it("answers 401 without an App Check token or with a bad one, and serves a valid one", async () => {
      const missing = await get({});
      assert.equal(missing.status, 401);
      assert.match(
        ((await missing.json()) as { error: { message: string } }).error.message,
        /X-Firebase-AppCheck/,
      );
      assert.equal((await get({ "x-firebase-appcheck": "forged" })).status, 401);
      assert.equal((await get({ "x-firebase-appcheck": "valid-app-check-token" })).status, 200);
    });

    it("leaves public routes open", async () => {
      assert.equal((await fetch(`${api.origin}/api/v1/performance/openapi.json`)).status, 200);
    });
  });
});
