/**
 * What the project itself has, read from Google's APIs with application default credentials: plan,
 * enabled APIs, Auth providers, the Firestore database, the rules and Hosting content a deploy would
 * replace, the secrets it needs. The requests go through an injected `get`; everything else is pure.
 * Untested against the real services (no credentials or network where this was written): the judging
 * is unit-tested on answers in the documented shapes.
 */
import { ALERT_WEBHOOK_URL } from "../../functions/src/config";
import {
  isFirestoreTrigger,
  triggerRegionFor,
  type DeployPlan,
  type FirestorePlan,
  type HostingPlan,
} from "./deploy-plan";
import { fail, pass, warn, type Finding } from "./findings";
import { API_URLS, apiError, type ApiAnswer, type GoogleGet } from "./google-apis";
import { GUIDE, secretsSetCommand } from "./offline-checks";

const AREA = "project (online)";

const cannotCheck = (what: string, answer: ApiAnswer): Finding =>
  warn(
    AREA,
    `could not check ${what}: ${apiError(answer)}`,
    answer.status === 401
      ? "renew the credentials: gcloud auth application-default login"
      : "run preflight as a project Owner (or Viewer plus the role the message names)",
  );

const body = <T>(answer: ApiAnswer): T => (answer.body ?? {}) as T;

export function judgeBilling(project: string, answer: ApiAnswer): Finding {
  if (answer.status !== 200) return cannotCheck("the billing plan", answer);
  const info = body<{ billingEnabled?: boolean; billingAccountName?: string }>(answer);
  return info.billingEnabled
    ? pass(
        AREA,
        `Blaze plan (billing enabled${info.billingAccountName ? `, ${info.billingAccountName}` : ""}): Cloud Functions v2 can deploy`,
      )
    : fail(
        AREA,
        "Spark plan (no billing account): Cloud Functions v2, Cloud Build and Artifact Registry need the Blaze plan",
        `upgrade at https://console.firebase.google.com/project/${project}/usage/details (cost at rest: ${GUIDE}#cost)`,
      );
}

export interface RequiredApi {
  api: string;
  why: string;
  /** firebase deploy turns it on itself (given serviceusage.services.enable). */
  deployEnables: boolean;
}

/** The APIs this deploy needs, with who enables them. */
export function requiredApis(plan: DeployPlan): RequiredApi[] {
  const apis: RequiredApi[] = [];
  const add = (api: string, why: string, deployEnables: boolean) => {
    if (!apis.some((a) => a.api === api)) apis.push({ api, why, deployEnables });
  };
  if (plan.functions.length) {
    // firebase-tools' deploy/functions/prepare.js: these it ensures for every v2 codebase.
    for (const api of [
      "cloudfunctions",
      "cloudbuild",
      "artifactregistry",
      "run",
      "eventarc",
      "pubsub",
      "storage",
    ])
      add(`${api}.googleapis.com`, "Cloud Functions v2", true);
    for (const api of plan.functions.flatMap((f) => f.requiredAPIs))
      add(api, "declared by the functions", true);
    if (plan.functions.some((f) => f.secretParams.length))
      add("secretmanager.googleapis.com", "function secrets", true);
    if (plan.functions.some((f) => (f.userEnvs.ENFORCE_APP_CHECK ?? "auto") !== "false"))
      add("firebaseappcheck.googleapis.com", "App Check enforcement", false);
    add("identitytoolkit.googleapis.com", "Firebase Authentication (recording needs signed-in users)", false);
  }
  if (plan.firestore.length) {
    add("firestore.googleapis.com", "Firestore", true);
    add("firebaserules.googleapis.com", "Firestore rules", false);
  }
  if (plan.hosting.length) add("firebasehosting.googleapis.com", "Hosting", true);
  return apis;
}

export function judgeServices(project: string, apis: readonly RequiredApi[], answer: ApiAnswer): Finding[] {
  if (answer.status !== 200) return [cannotCheck("the enabled APIs", answer)];
  const states = new Map(
    body<{ services?: Array<{ name: string; state: string }> }>(answer).services?.map((s) => [
      s.name.split("/").pop(),
      s.state,
    ]) ?? [],
  );
  const enabled = apis.filter((a) => states.get(a.api) === "ENABLED");
  const findings: Finding[] = [];
  if (enabled.length)
    findings.push(
      pass(AREA, `enabled: ${enabled.map((a) => a.api.replace(".googleapis.com", "")).join(", ")}`),
    );
  for (const a of apis.filter((x) => states.get(x.api) !== "ENABLED")) {
    findings.push(
      a.deployEnables
        ? warn(
            AREA,
            `${a.api} (${a.why}) is off: firebase deploy turns it on, which needs serviceusage.services.enable and can take a few minutes the first time`,
          )
        : fail(
            AREA,
            `${a.api} (${a.why}) is off, and firebase deploy does not turn it on`,
            `gcloud services enable ${a.api} --project ${project} (or set the product up in the Firebase console)`,
          ),
    );
  }
  return findings;
}

interface AuthConfig {
  signIn?: {
    anonymous?: { enabled?: boolean };
    email?: { enabled?: boolean };
    phoneNumber?: { enabled?: boolean };
  };
}

export function judgeAuth(project: string, config: ApiAnswer, idps: ApiAnswer): Finding {
  const console = `https://console.firebase.google.com/project/${project}/authentication/providers`;
  if (config.status === 404) {
    return fail(
      AREA,
      "Firebase Authentication is not set up: recording needs signed-in users (anonymous ones are enough)",
      `${console}: Get started, then enable Anonymous`,
    );
  }
  if (config.status !== 200) return cannotCheck("the Auth providers", config);
  const signIn = body<AuthConfig>(config).signIn ?? {};
  const others = [
    ...(signIn.email?.enabled ? ["email"] : []),
    ...(signIn.phoneNumber?.enabled ? ["phone"] : []),
    ...(idps.status === 200
      ? (
          body<{ defaultSupportedIdpConfigs?: Array<{ name: string; enabled?: boolean }> }>(idps)
            .defaultSupportedIdpConfigs ?? []
        )
          .filter((c) => c.enabled)
          .map((c) => c.name.split("/").pop() as string)
      : []),
  ];
  if (signIn.anonymous?.enabled)
    return pass(
      AREA,
      `Anonymous sign-in is on${others.length ? `, and ${others.join(", ")}` : ""}: apps can record`,
    );
  if (others.length) {
    return warn(
      AREA,
      `Anonymous sign-in is off: only users signed in with ${others.join(", ")} can record (the SDK examples sign in anonymously)`,
      `${console}: enable Anonymous, or sign users in before recording`,
    );
  }
  return fail(
    AREA,
    "no sign-in provider is enabled: no one can record",
    `${console}: enable Anonymous (and whatever your app signs users in with)`,
  );
}

export function judgeDatabase(
  plan: FirestorePlan,
  answer: ApiAnswer,
  plannedRegions: readonly string[],
): Finding {
  if (answer.status === 404) {
    return warn(
      AREA,
      `no Firestore database ${plan.database} yet: firebase deploy creates it in nam5 (United States), and a database's location cannot be changed later`,
      "to choose another location, create the database in the Firebase console first (or set firestore.location in firebase.json)",
    );
  }
  if (answer.status !== 200) return cannotCheck(`the Firestore database ${plan.database}`, answer);
  const db = body<{ locationId?: string; type?: string }>(answer);
  if (db.type === "DATASTORE_MODE") {
    return fail(
      AREA,
      `Firestore database ${plan.database} is in Datastore mode: Firestore triggers and security rules need Native mode`,
      "use a project whose database is in Firestore Native mode",
    );
  }
  const location = db.locationId ?? "unknown";
  const region = triggerRegionFor(location);
  const others = plannedRegions.filter((r) => r !== region);
  return others.length === 0
    ? pass(
        AREA,
        `Firestore database ${plan.database} in ${location}: the Firestore triggers run in ${region}, with the other functions`,
      )
    : warn(
        AREA,
        `Firestore database ${plan.database} in ${location}: the Firestore triggers deploy to ${region}, the other functions to ${[...new Set(others)].join(", ")}; every trigger event and read crosses regions`,
        "to keep them together, give every function that region (setGlobalOptions({ region }) in functions/src/index.ts) and the Hosting rewrite the same region",
      );
}

/** The `allow` statements of a rules file, each with the match path it sits in; comments and spacing ignored. */
export function allowStatements(rules: string): Set<string> {
  const text = rules
    .replace(/\/\*[\s\S]*?\*\//g, " ")
    .replace(/\/\/[^\n]*/g, " ")
    .replace(/\s+/g, " ");
  const stack: string[] = [];
  const statements = new Set<string>();
  const token = /match\s+(\/\S*)\s*\{|allow\s+[^;]+;|\{|\}/g;
  for (let m = token.exec(text); m; m = token.exec(text)) {
    const t = m[0];
    if (t.startsWith("match")) stack.push((m[1] as string).trim());
    else if (t === "{") stack.push("");
    else if (t === "}") stack.pop();
    else statements.add(`${stack.filter(Boolean).join(" ")} ${t}`);
  }
  return statements;
}

export function judgeRules(plan: FirestorePlan, release: ApiAnswer, ruleset: ApiAnswer | undefined): Finding {
  if (release.status === 404)
    return pass(
      AREA,
      `no Firestore rules released for ${plan.database} yet: ${plan.rulesFile} will be the first`,
    );
  if (release.status !== 200) return cannotCheck("the Firestore rules in force", release);
  if (!ruleset || ruleset.status !== 200)
    return cannotCheck("the Firestore rules in force", ruleset ?? release);
  const files = body<{ source?: { files?: Array<{ content?: string }> }; createTime?: string }>(ruleset);
  const current = (files.source?.files ?? []).map((f) => f.content ?? "").join("\n");
  const deploying = allowStatements(plan.rules ?? "");
  // A statement that grants nothing (if false) is the default anyway: losing it changes nothing.
  const lost = [...allowStatements(current)].filter(
    (s) => !deploying.has(s) && !/:\s*if\s+false\s*;$/.test(s),
  );
  if (lost.length === 0)
    return pass(
      AREA,
      `${plan.rulesFile} keeps every allow statement of the rules in force: deploying it takes nothing away`,
    );
  return fail(
    AREA,
    `deploying ${plan.rulesFile} replaces the rules in force (released ${files.createTime ?? "earlier"}) and drops ${lost.length} of their allow statements, e.g. ${lost.slice(0, 2).join(" | ")}`,
    `merge our block into your rules and point firebase.json firestore.rules at the merged file (${GUIDE}#merging-rules), or deploy --only functions,hosting,firestore:indexes to leave the rules alone`,
  );
}

/** The name of the project's default Hosting site in a sites.list answer, if it has one. */
const defaultSite = (sites: ApiAnswer): string | undefined =>
  (sites.body as { sites?: Array<{ name: string; type?: string }> } | undefined)?.sites
    ?.find((s) => s.type === "DEFAULT_SITE")
    ?.name.split("/")
    .pop();

export function judgeHosting(plan: HostingPlan, sites: ApiAnswer, live: ApiAnswer | undefined): Finding {
  if (sites.status !== 200) return cannotCheck("the Hosting sites", sites);
  const site = defaultSite(sites);
  if (!site)
    return warn(
      AREA,
      "the project has no default Hosting site yet",
      "open Hosting in the Firebase console once (Get started), or npx firebase hosting:sites:create",
    );
  if (!live || live.status === 404) return pass(AREA, `Hosting site ${site} serves nothing yet`);
  if (live.status !== 200) return cannotCheck(`what Hosting site ${site} serves`, live);
  const release = body<{
    release?: {
      releaseTime?: string;
      version?: { fileCount?: string; config?: { rewrites?: Array<{ run?: { serviceId?: string } }> } };
    };
  }>(live).release;
  if (!release?.version) return pass(AREA, `Hosting site ${site} serves nothing yet`);
  const ours = plan.rewrites.map((r) => r.api.run?.serviceId).filter(Boolean);
  const served = release.version.config?.rewrites?.map((r) => r.run?.serviceId) ?? [];
  if (ours.length && ours.every((id) => served.includes(id)))
    return pass(AREA, `Hosting site ${site} already serves aideon-perf: the deploy updates it`);
  return fail(
    AREA,
    `Hosting site ${site} serves something else (${release.version.fileCount ?? "?"} files, released ${release.releaseTime ?? "earlier"}): deploying Hosting replaces it`,
    `deploy ours to a second site, or leave Hosting out and add the /api rewrite to your app's firebase.json (${GUIDE}#hosting)`,
  );
}

export function judgeSecret(project: string, name: string, declared: boolean, answer: ApiAnswer): Finding {
  const setCommand = secretsSetCommand(name, project);
  if (!declared) {
    if (answer.status === 200) {
      return warn(
        AREA,
        `the ${name} secret exists, but alert notifications are off for this project (ALERT_WEBHOOK_ENABLED is not true)`,
        `set ALERT_WEBHOOK_ENABLED=true in functions/.env.<alias> and deploy to turn them on`,
      );
    }
    if (answer.status === 404)
      return pass(
        AREA,
        `no ${name} secret and notifications off: nothing to set (alerts are still recorded)`,
      );
    return cannotCheck(`the ${name} secret`, answer);
  }
  if (answer.status === 404) {
    return fail(
      AREA,
      `secret ${name} is missing: a non-interactive deploy stops ("In non-interactive mode but have no value for the secret"), an interactive one asks for it`,
      setCommand,
    );
  }
  if (answer.status !== 200) return cannotCheck(`the ${name} secret`, answer);
  const state = body<{ state?: string }>(answer).state;
  return state === "ENABLED"
    ? pass(AREA, `secret ${name}: latest version enabled`)
    : fail(AREA, `secret ${name}: latest version is ${state}`, `add a new version: ${setCommand}`);
}

/** Every online check of the plan's project; a request that throws becomes a warning, not a crash. */
export async function onlineFindings(get: GoogleGet, plan: DeployPlan): Promise<Finding[]> {
  const project = plan.projectId;
  const attempt = async (what: string, work: () => Promise<Finding | Finding[]>): Promise<Finding[]> => {
    try {
      return [await work()].flat();
    } catch (e) {
      return [
        warn(
          AREA,
          `could not check ${what}: ${(e as Error).message}`,
          "check the network connection to *.googleapis.com",
        ),
      ];
    }
  };
  const apis = requiredApis(plan);
  const functions = plan.functions.flatMap((f) => f.functions);
  const nonTriggerRegions = functions.filter((f) => !isFirestoreTrigger(f)).map((f) => f.region);
  const declaredSecrets = plan.functions.flatMap((f) => f.secretParams.map((s) => s.name));
  const secretNames = [...new Set([...declaredSecrets, ALERT_WEBHOOK_URL.name])];

  const checks = [
    attempt("the billing plan", async () => judgeBilling(project, await get(API_URLS.billing(project)))),
    attempt("the enabled APIs", async () =>
      judgeServices(
        project,
        apis,
        await get(
          API_URLS.services(
            project,
            apis.map((a) => a.api),
          ),
        ),
      ),
    ),
    attempt("the Auth providers", async () =>
      judgeAuth(project, await get(API_URLS.authConfig(project)), await get(API_URLS.idpConfigs(project))),
    ),
    ...plan.firestore.flatMap((fp) => [
      attempt(`the Firestore database ${fp.database}`, async () =>
        judgeDatabase(fp, await get(API_URLS.database(project, fp.database)), nonTriggerRegions),
      ),
      attempt("the Firestore rules in force", async () => {
        const release = await get(API_URLS.rulesRelease(project, fp.database));
        const name = (release.body as { rulesetName?: string } | undefined)?.rulesetName;
        return judgeRules(
          fp,
          release,
          release.status === 200 && name ? await get(API_URLS.ruleset(name)) : undefined,
        );
      }),
    ]),
    ...plan.hosting.map((hp) =>
      attempt("the Hosting site", async () => {
        const sites = await get(API_URLS.hostingSites(project));
        const site = defaultSite(sites);
        return judgeHosting(hp, sites, site ? await get(API_URLS.liveChannel(site)) : undefined);
      }),
    ),
    ...(plan.functions.length
      ? secretNames.map((name) =>
          attempt(`the ${name} secret`, async () =>
            judgeSecret(
              project,
              name,
              declaredSecrets.includes(name),
              await get(API_URLS.secretVersion(project, name)),
            ),
          ),
        )
      : []),
  ];
  return (await Promise.all(checks)).flat();
}
