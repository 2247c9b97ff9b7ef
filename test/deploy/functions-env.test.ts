/**
 * functions/.env as firebase-tools loads it: NODE_ENV=production reaches the functions in the emulator
 * (whose express server then answers a body it cannot parse without a stack trace, as deployed functions
 * do) and is a key a deploy accepts.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { functionsEnv } from "../../tools/preflight/firebase-tools";
import { REPO } from "./repo";

type LoadOptions = Parameters<typeof functionsEnv.loadUserEnvs>[0] & { isEmulator?: boolean };
const load = (options: Partial<LoadOptions>) =>
  (functionsEnv.loadUserEnvs as (o: LoadOptions) => Record<string, string>)({
    functionsSource: join(REPO, "functions"),
    projectDir: REPO,
    projectId: "demo-aideon-perf",
    ...options,
  });

describe("functions/.env: NODE_ENV", () => {
  it("is production in the Functions emulator's environment for the functions", () => {
    assert.equal(load({ isEmulator: true }).NODE_ENV, "production");
  });

  it("is production, and accepted, for a deploy to each committed project alias", () => {
    for (const projectAlias of [undefined, "staging", "production"]) {
      assert.equal(
        load({ projectId: `aideon-perf-${projectAlias ?? "x"}`, ...(projectAlias ? { projectAlias } : {}) })
          .NODE_ENV,
        "production",
        projectAlias,
      );
    }
  });
});
