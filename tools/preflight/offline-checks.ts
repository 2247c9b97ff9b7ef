/**
 * Judging a deploy plan without credentials: every finding says what would happen on `firebase deploy`
 * and, when that is a failure, what to change. Pure: the plan, the built bundles and the standalone
 * install result come in, findings go out.
 */
import { ALERT_WEBHOOK_URL } from "../../functions/src/config";
import { DAY_MS } from "@aideon-perf/core";
import { PRODUCT_TARGETS } from "./args";
import {
  isFirestoreTrigger,
  type DeployPlan,
  type FirestorePlan,
  type FunctionsPlan,
  type HostingPlan,
} from "./deploy-plan";
import { fail, pass, warn, skip, type Finding } from "./findings";
import { supportedRuntimes } from "./firebase-tools";

export const GUIDE = "docs/deploy.md";

export interface InstallResult {
  code: number | null;
  output: string;
  problems: string[];
  dependencies: Record<string, string>;
}

export interface OfflineInputs {
  plan: DeployPlan;
  /** Each codebase's built entry point (functions/lib/index.js), by codebase name. */
  bundles: Record<string, string>;
  /** The standalone install of each codebase; absent when skipped. */
  installs?: Record<string, InstallResult>;
  now: Date;
}

/** A Google Cloud project id: 6-30 lowercase letters, digits and hyphens, starting with a letter. */
const PROJECT_ID = /^[a-z][a-z0-9-]{4,28}[a-z0-9]$/;
const WARN_BEFORE_DEPRECATION_MS = 180 * DAY_MS;

/** The command that stores a secret in the project's Secret Manager. */
export const secretsSetCommand = (name: string, projectId: string): string =>
  `npx firebase functions:secrets:set ${name} --project ${projectId}`;

export function projectFindings(projectId: string, alias: string | undefined): Finding[] {
  const named = alias ? `alias ${alias} -> project ${projectId}` : `project ${projectId}`;
  if (!PROJECT_ID.test(projectId)) {
    return [
      fail(
        "project",
        `${named}: not a Google Cloud project id (6-30 lowercase letters, digits and hyphens, starting with a letter)`,
        alias
          ? `point the alias at your project: npx firebase use --add (choose the project, name it ${alias}), or edit .firebaserc`
          : "pass a project id or a .firebaserc alias: npm run preflight -- --project <alias-or-id>",
      ),
    ];
  }
  if (projectId.startsWith("demo-")) {
    return [
      warn(
        "project",
        `${named}: a demo- project exists only in the emulators, so this run rehearses the deploy but nothing can be deployed to it`,
        `for a real project: npm run preflight -- --project staging (after npx firebase use --add; ${GUIDE})`,
      ),
    ];
  }
  return [pass("project", named)];
}

function configFindings(plan: DeployPlan, only: string): Finding[] {
  const findings = plan.configWarnings.map((w) =>
    warn(
      "project",
      `firebase.json: ${w}`,
      "compare with firebase-tools' schema (node_modules/firebase-tools/schema/firebase-config.json)",
    ),
  );
  const missing = PRODUCT_TARGETS.split(",").filter((t) => !plan.targets.includes(t));
  const command = `firebase deploy --only ${only}`;
  findings.push(
    missing.length === 0
      ? pass(
          "project",
          `${command} deploys ${plan.targets.join(", ")} (firebase-tools ${plan.firebaseToolsVersion})`,
        )
      : fail(
          "project",
          `${command} leaves out ${missing.join(", ")}: the product needs functions, Firestore rules and indexes, and Hosting (the REST API's rewrite)`,
          `deploy with --only ${PRODUCT_TARGETS}, and keep all three in firebase.json (${GUIDE})`,
        ),
  );
  return findings;
}

function runtimeFinding(plan: FunctionsPlan, now: Date): Finding {
  const info = supportedRuntimes.RUNTIMES[plan.runtime];
  const area = `functions (codebase ${plan.codebase})`;
  if (!info)
    return fail(
      area,
      `runtime ${plan.runtime} is unknown to firebase-tools`,
      'set "runtime" in firebase.json and engines.node in functions/package.json to a supported Node.js',
    );
  const text = `runtime ${plan.runtime} (${info.friendly}: deprecated ${info.deprecationDate}, decommissioned ${info.decommissionDate}), firebase-functions ${plan.sdkVersion}`;
  const deprecation = Date.parse(info.deprecationDate);
  return now.getTime() > deprecation - WARN_BEFORE_DEPRECATION_MS
    ? warn(
        area,
        text,
        "move to a newer Node.js runtime before deprecation: firebase.json runtime and functions/package.json engines.node",
      )
    : pass(area, text);
}

function functionsListFindings(plan: FunctionsPlan, area: string): Finding[] {
  if (plan.functions.length === 0)
    return [
      fail(
        area,
        "no functions discovered: the manifest at /__/functions.yaml is empty",
        `functions/package.json "main" must point at the built bundle that exports the functions (npm run build --workspace functions)`,
      ),
    ];
  const kinds = new Map<string, number>();
  for (const f of plan.functions) {
    const kind = f.trigger.split(" ")[0] as string;
    kinds.set(kind, (kinds.get(kind) ?? 0) + 1);
  }
  const regions = [...new Set(plan.functions.map((f) => f.region))];
  const findings = [
    pass(
      area,
      `${plan.functions.length} functions discovered from /__/functions.yaml (${[...kinds].map(([k, n]) => `${n} ${k}`).join(", ")}), in ${regions.join(", ")}`,
    ),
  ];
  const unknown = plan.functions.filter((f) => f.trigger === "unknown");
  if (unknown.length)
    findings.push(
      fail(
        area,
        `functions with no trigger firebase-tools can deploy: ${unknown.map((f) => f.id).join(", ")}`,
        "export only functions built with firebase-functions v2 (onCall, onRequest, onDocument*, onSchedule)",
      ),
    );
  const firestoreTriggers = plan.functions.filter(isFirestoreTrigger);
  if (firestoreTriggers.length) {
    findings.push(
      pass(
        area,
        `${firestoreTriggers.length} Firestore triggers (${firestoreTriggers.map((f) => f.id).join(", ")}) in ${[...new Set(firestoreTriggers.map((f) => f.region))].join(", ")}: a trigger goes to its database's region (taken as nam5 offline; the online checks read it)`,
      ),
    );
  }
  return findings;
}

function paramsFindings(plan: FunctionsPlan, area: string, projectId: string): Finding[] {
  const findings: Finding[] = [];
  const files = plan.envFiles.join(", ") || "no .env file";
  const values = plan.params
    .filter((p) => p.type !== "secret")
    .map((p) => `${p.name}=${plan.paramValues[p.name]}`);
  findings.push(
    pass(area, `params resolve without prompting, from ${files}: ${values.join(", ") || "(none declared)"}`),
  );
  for (const p of plan.params.filter((x) => !x.description)) {
    findings.push(
      warn(
        area,
        `param ${p.name} has no description: the deploy prompt and the console show nothing about it`,
        `give it a description in functions/src/config/index.ts`,
      ),
    );
  }
  if (plan.secretParams.length === 0) {
    findings.push(
      pass(
        area,
        "no secrets to set: alert notifications are off (ALERT_WEBHOOK_ENABLED is not true); alerts are still recorded, notifications marked skipped",
      ),
    );
  }
  for (const secret of plan.secretParams) {
    findings.push(
      secret.description?.includes(`functions:secrets:set ${secret.name}`)
        ? warn(
            area,
            `secret ${secret.name} must exist in Secret Manager before deploying (a non-interactive deploy stops without it; checked online)`,
            secretsSetCommand(secret.name, projectId),
          )
        : fail(
            area,
            `secret ${secret.name} does not say how to set it`,
            `add "Set it with \`npx firebase functions:secrets:set ${secret.name}\`" to its defineSecret description`,
          ),
    );
  }
  const leaked = Object.keys(plan.userEnvs).filter(
    (key) => key === ALERT_WEBHOOK_URL.name || plan.secretParams.some((s) => s.name === key),
  );
  for (const key of leaked) {
    findings.push(
      fail(
        area,
        `${key} is set in ${files}: a webhook URL is a credential, and a .env value is deployed as plain configuration (readable by every project viewer)`,
        `remove it from the .env file; ${secretsSetCommand(key, projectId)} and ALERT_WEBHOOK_ENABLED=true instead`,
      ),
    );
  }
  // auto (the default) enforces on every project but a demo- one, so it counts as on here.
  if ((plan.userEnvs.ENFORCE_APP_CHECK ?? "auto") !== "false") {
    findings.push(
      warn(
        area,
        `ENFORCE_APP_CHECK=${plan.userEnvs.ENFORCE_APP_CHECK ?? "auto"}: callables and the REST API reject every request without a valid App Check token`,
        `register every app that records with App Check first (${GUIDE}#app-check)`,
      ),
    );
  }
  return findings;
}

function retryFinding(plan: FunctionsPlan, area: string): Finding[] {
  const retried = plan.functions.filter((f) => f.retry).map((f) => f.id);
  if (retried.length === 0) return [];
  return [
    warn(
      area,
      `retried on failure: ${retried.join(", ")}; the first deploy of each asks to confirm, and stops with --non-interactive unless --force is given`,
      `first deploy interactively, or add --force in CI (${GUIDE}#one-command)`,
    ),
  ];
}

function installFindings(plan: FunctionsPlan, area: string, install: InstallResult | undefined): Finding[] {
  if (!install) return [skip(area, "standalone install of the bundle skipped (--skip-install)")];
  if (install.code !== 0) {
    return [
      fail(
        area,
        `npm install of ${plan.source}/ alone failed (exit ${install.code}): ${install.output.trim().split("\n").slice(-3).join(" | ")}`,
        `Cloud Build runs the same install: fix ${plan.source}/package.json's dependencies`,
      ),
    ];
  }
  if (install.problems.length) {
    return install.problems.map((p) =>
      fail(
        area,
        `installed alone, the bundle would not load: ${p}`,
        `declare it in ${plan.source}/package.json dependencies, or bundle it (functions/build.mjs)`,
      ),
    );
  }
  const deps = Object.entries(install.dependencies).map(([name, version]) => `${name}@${version}`);
  return [
    pass(
      area,
      `installs alone from ${plan.source}/package.json as Cloud Build will (${deps.join(", ")}), and the bundle requires nothing else`,
    ),
  ];
}

/** Whether a name occurs in the bundle as a word: a property, a string or an identifier. */
const named = (bundle: string, name: string): boolean =>
  new RegExp(`(^|[^A-Za-z0-9_$])${name.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}($|[^A-Za-z0-9_$])`).test(
    bundle,
  );

function firestoreFindings(plan: FirestorePlan, bundle: string): Finding[] {
  const area = `firestore (database ${plan.database})`;
  const findings: Finding[] = [];
  if (plan.rulesFile) {
    findings.push(
      plan.rules?.includes("service cloud.firestore")
        ? pass(
            area,
            `rules ${plan.rulesFile}: deploying replaces the project's Firestore rules with this file`,
            `if your app has rules of its own, merge them first (${GUIDE}#merging-rules); the online checks compare`,
          )
        : fail(
            area,
            `rules ${plan.rulesFile} declares no \`service cloud.firestore\``,
            "point firebase.json firestore.rules at a Firestore rules file",
          ),
    );
  }
  const spec = plan.indexes;
  if (!spec) return findings;
  const unknown: string[] = [];
  const check = (collection: string, field: string, where: string) => {
    if (!bundle.includes(`"${collection}"`)) unknown.push(`${where}: collection ${collection}`);
    for (const segment of field.split(".").filter((s) => s !== "__name__")) {
      if (!named(bundle, segment)) unknown.push(`${where}: field ${collection}.${field}`);
    }
  };
  spec.indexes.forEach((index, i) =>
    index.fields.forEach((f) => check(index.collectionGroup, f.fieldPath, `indexes[${i}]`)),
  );
  spec.fieldOverrides.forEach((o, i) => check(o.collectionGroup, o.fieldPath, `fieldOverrides[${i}]`));
  for (const u of unknown) {
    findings.push(
      fail(
        area,
        `${plan.indexesFile} ${u} is not named anywhere in the functions bundle: an index or TTL policy on it would never be used`,
        "fix the name (a typo?) or remove the entry",
      ),
    );
  }
  const ttl = spec.fieldOverrides.filter((o) => o.ttl);
  const perCollection = new Map<string, string[]>();
  for (const o of ttl)
    perCollection.set(o.collectionGroup, [...(perCollection.get(o.collectionGroup) ?? []), o.fieldPath]);
  for (const [collection, fields] of perCollection) {
    if (fields.length > 1)
      findings.push(
        fail(
          area,
          `${collection} has ${fields.length} TTL fields (${fields.join(", ")}); Firestore allows one TTL policy per collection group`,
          "keep one ttl: true field override per collection group",
        ),
      );
  }
  if (unknown.length === 0) {
    findings.push(
      pass(
        area,
        `${plan.indexesFile}: ${spec.indexes.length} composite indexes, ${spec.fieldOverrides.length} field overrides, ${ttl.length} TTL policies (${ttl.map((o) => `${o.collectionGroup}.${o.fieldPath}`).join(", ")}), every collection and field named in the functions`,
      ),
    );
  }
  return findings;
}

function hostingFindings(plan: HostingPlan, functions: readonly FunctionsPlan[]): Finding[] {
  const area = `hosting (site ${plan.site})`;
  const findings: Finding[] = [];
  findings.push(
    plan.files.length
      ? pass(
          area,
          `${plan.files.length} file${plan.files.length === 1 ? "" : "s"} from ${plan.public}/ (${plan.files.slice(0, 5).join(", ")}); deploying replaces what the site serves`,
          `a project whose site serves your app: ${GUIDE}#hosting`,
        )
      : warn(
          area,
          `nothing to upload from ${plan.public || "(no public dir)"}`,
          'set hosting.public in firebase.json to the "hosting" folder',
        ),
  );
  const all = functions.flatMap((f) => f.functions);
  for (const { config, api } of plan.rewrites) {
    const target = config.function as { functionId?: string; region?: string } | undefined;
    if (!target) continue;
    const source = String(config.source ?? config.glob ?? config.regex);
    const name = `rewrite ${source} -> function ${target.functionId}${target.region ? ` (${target.region})` : ""}`;
    const fn = api.run && all.find((f) => f.id === api.run?.serviceId && f.region === api.run.region);
    if (!fn) {
      findings.push(
        fail(
          area,
          `${name}: no such function in this deploy`,
          "export the function from functions/src/index.ts, or fix functionId / region in firebase.json",
        ),
      );
    } else if (fn.trigger !== "https") {
      findings.push(
        fail(
          area,
          `${name}: ${fn.id} is ${fn.trigger}, and Hosting forwards plain HTTP requests`,
          "rewrite to an onRequest (https) function",
        ),
      );
    } else {
      findings.push(
        pass(
          area,
          `${name}: Cloud Run service ${api.run?.serviceId} in ${api.run?.region}, an https function`,
        ),
      );
    }
  }
  return findings;
}

export function offlineFindings(inputs: OfflineInputs, only: string): Finding[] {
  const { plan } = inputs;
  const findings = [...projectFindings(plan.projectId, plan.alias), ...configFindings(plan, only)];
  for (const fp of plan.functions) {
    const area = `functions (codebase ${fp.codebase})`;
    findings.push(
      runtimeFinding(fp, inputs.now),
      ...functionsListFindings(fp, area),
      ...paramsFindings(fp, area, plan.projectId),
      ...retryFinding(fp, area),
      ...installFindings(fp, area, inputs.installs?.[fp.codebase]),
    );
  }
  for (const hp of plan.hosting) findings.push(...hostingFindings(hp, plan.functions));
  const bundle = Object.values(inputs.bundles).join("\n");
  for (const fp of plan.firestore) findings.push(...firestoreFindings(fp, bundle));
  return findings;
}

const STEP_FIXES: Array<{ match: RegExp; fix: (alias: string | undefined) => string }> = [
  {
    match: /non-interactive mode but have no value for the following environment variables/,
    fix: (alias) =>
      `give each a value in functions/.env (the committed default)${alias ? ` or functions/.env.${alias}` : ""}: a non-interactive deploy never prompts`,
  },
  {
    match: /non-interactive mode but have no value for the secret/,
    fix: () => "set the secret first (the command above), or turn the feature that declares it off",
  },
  {
    match: /Can't have both dotenv files/,
    fix: () => "keep one of functions/.env.<project-id> and functions/.env.<alias>",
  },
  {
    match: /User code failed to load|could not be analyzed/,
    fix: () =>
      "the bundle throws while loading; the functions' output is above (a bad value in a .env file?)",
  },
];

/** A step of the deploy preparation that failed, as the finding that stops the report there. */
export function deployStepFinding(
  step: string,
  message: string,
  log: readonly string[],
  alias: string | undefined,
): Finding {
  const area = step.startsWith("functions")
    ? "functions"
    : step.startsWith("hosting")
      ? "hosting"
      : step.startsWith("firestore")
        ? "firestore"
        : "project";
  const known = STEP_FIXES.find((f) => f.match.test(message));
  const tail = log.filter((line) => !line.startsWith("debug")).slice(-8);
  return fail(
    area,
    `firebase deploy would stop at "${step}": ${message}${tail.length ? `\nfirebase-tools said:\n  ${tail.join("\n  ")}` : ""}`,
    known ? known.fix(alias) : `fix what it reports, then run preflight again (${GUIDE})`,
  );
}
