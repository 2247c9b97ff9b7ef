/**
 * The deploy commands the README's Deploying section and docs/deploy.md print, read back and checked with
 * firebase-tools' own code where they cannot run here: the targets `--only` selects, the alias `--project`
 * names, and firebase-tools' non-interactive gates for the flags given. `npm run preflight` commands are
 * parsed by preflight's own argument parser (test/deploy/preflight.test.ts runs it).
 */
import assert from "node:assert/strict";
import { parseArgs, PRODUCT_TARGETS } from "../../tools/preflight/args";
import {
  backends,
  Config,
  filterTargets,
  loadRC,
  promptForCleanupPolicyDays,
  promptForFailurePolicies,
  VALID_DEPLOY_TARGETS,
  type Backend,
  type DeployOptions,
} from "../../tools/preflight/firebase-tools";
import { readText, REPO } from "./repo";

/** Shell commands in a markdown text: lines of code blocks and inline code spans, comments dropped. */
function commands(markdown: string, program: string): string[][] {
  const blocks = [...markdown.matchAll(/```[a-z]*\n([\s\S]*?)```/g)].flatMap((m) =>
    (m[1] as string).split("\n"),
  );
  const spans = [...markdown.replace(/```[\s\S]*?```/g, "").matchAll(/`([^`\n]+)`/g)].map(
    (m) => m[1] as string,
  );
  return [...blocks, ...spans]
    .flatMap((line) => line.replace(/\s#.*$/, "").split("&&"))
    .map((part) => part.trim().split(/\s+/))
    .filter((words) => words.join(" ").startsWith(program));
}

const flag = (words: string[], name: string): string | undefined => {
  const i = words.indexOf(name);
  return i >= 0 ? words[i + 1] : undefined;
};

const readme = readText("README.md");
const deployingSection = readme.slice(
  readme.indexOf("## Deploying\n"),
  readme.indexOf("\n## ", readme.indexOf("## Deploying\n") + 1),
);
const guide = readText("docs/deploy.md");
const documented = [
  ...commands(deployingSection, "npx firebase deploy"),
  ...commands(guide, "npx firebase deploy"),
];

/** One retried Firestore trigger: what makes firebase-tools ask on a first deploy. */
const retriedTrigger: Backend = {
  endpoints: {
    "us-central1": {
      aggregateTraceBatch: {
        id: "aggregateTraceBatch",
        region: "us-central1",
        platform: "gcfv2",
        entryPoint: "aggregateTraceBatch",
        eventTrigger: { eventType: "google.cloud.firestore.document.v1.created", retry: true },
      },
    },
  },
};

describe("deploy commands in the README and docs/deploy.md", () => {
  const config = Config.load({ cwd: REPO, projectDir: REPO });
  const rc = loadRC({ cwd: REPO });
  const targetsOf = (only: string | undefined) =>
    filterTargets({ config, only } as DeployOptions, [...VALID_DEPLOY_TARGETS]);

  it("the README's deploy command deploys Firestore, the functions and Hosting to an alias", () => {
    const [command, ...others] = commands(deployingSection, "npx firebase deploy");
    assert.deepEqual(others, [], "one deploy command");
    assert.deepEqual(targetsOf(flag(command as string[], "--only")), ["firestore", "functions", "hosting"]);
    assert.equal(
      flag(command as string[], "--only"),
      PRODUCT_TARGETS,
      "the targets preflight checks by default",
    );
  });

  it("every deploy command names targets firebase.json configures and an alias of .firebaserc", () => {
    assert.ok(documented.length >= 5, `found ${documented.length} deploy commands`);
    for (const words of documented) {
      const text = words.join(" ");
      const only = flag(words, "--only");
      assert.ok(only, `${text}: no --only`);
      for (const target of only.split(",").map((t) => t.split(":")[0] as string)) {
        assert.ok(config?.has(target), `${text}: firebase.json has no ${target}`);
      }
      assert.ok(targetsOf(only).length > 0);
      const project = flag(words, "--project");
      assert.ok(
        project && rc.hasProjectAlias(project),
        `${text}: --project ${project} is not an alias in .firebaserc`,
      );
    }
  });

  it("every non-interactive deploy of functions passes firebase-tools' first-deploy gates with its own flags", async () => {
    const unattended = documented.filter(
      (w) => w.includes("--non-interactive") && targetsOf(flag(w, "--only")).includes("functions"),
    );
    assert.ok(unattended.length >= 2, "the CI commands are documented");
    for (const words of unattended) {
      const options = { nonInteractive: true, force: words.includes("--force") };
      await promptForFailurePolicies(options, retriedTrigger, backends.empty());
      await promptForCleanupPolicyDays(options, ["us-central1"]);
    }
  });

  it("every preflight command parses and names an alias of .firebaserc", () => {
    const preflights = [
      ...commands(deployingSection, "npm run preflight --"),
      ...commands(guide, "npm run preflight --"),
    ];
    assert.ok(preflights.length >= 2);
    for (const words of preflights) {
      const invocation = parseArgs(words.slice(words.indexOf("--") + 1));
      assert.ok(
        !invocation.help && invocation.project && rc.hasProjectAlias(invocation.project),
        words.join(" "),
      );
    }
  });
});
