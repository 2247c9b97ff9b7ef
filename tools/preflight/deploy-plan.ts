/**
 * What `firebase deploy` would deploy, found by running firebase-tools' own deploy preparation as far as
 * it goes without a network: firebase.json and .firebaserc as the CLI loads them, the deploy targets it
 * picks, the predeploy hooks (the functions build), function discovery from /__/functions.yaml, params
 * resolved from the .env files as a non-interactive deploy resolves them, the Hosting config converted
 * for the Hosting API, the Firestore rules and index specs parsed and validated.
 *
 * Where the real deploy asks Google (the project's web config, the Firestore database's location, the
 * secrets in Secret Manager, the functions already deployed), the plan takes what a first deploy to a
 * fresh project would find, and says so in the field's comment. Preflight's online checks fill those in.
 */
import { existsSync, readFileSync } from "node:fs";
import { relative } from "node:path";
import { discoverBuild } from "./discover-functions";
import {
  backends,
  collectFirebaseToolsLog,
  Config,
  convertConfig,
  envWithTypes,
  FALLBACK_DEPLOYMENT_REGION,
  FIREBASE_TOOLS_VERSION,
  firebaseConfigSchema,
  FirestoreApi,
  FIRESTORE_DUAL_REGION_TO_REGION_MAPPING,
  filterTargets,
  functionsEnv,
  getFirestoreConfig,
  getRuntimeDelegate,
  hostingConfig,
  lifecycleHooks,
  listFiles,
  loadCJSON,
  loadRC,
  packageJsonIsValid,
  projectConfig,
  REGION_TBD,
  resolveParams,
  supportedRuntimes,
  toBackend,
  VALID_DEPLOY_TARGETS,
  type Backend,
  type Build,
  type DeployOptions,
  type Endpoint,
  type HostingApiRewrite,
  type IndexSpec,
  type Param,
} from "./firebase-tools";

export interface DeployPlanOptions {
  projectDir: string;
  /** A project id or a .firebaserc alias, as given to `--project`. */
  project: string;
  /** `firebase deploy --only ...`; undefined deploys every target firebase.json configures. */
  only?: string;
  /** Run the targets' predeploy hooks (the functions build) first, as `firebase deploy` does. */
  runPredeploy?: boolean;
  /** Read the functions' .env files from here instead of the codebase's (firebase.json `configDir`). */
  configDir?: string;
}

/** A function as it would be deployed. */
export interface PlannedFunction {
  id: string;
  region: string;
  codebase: string;
  /** "callable", "https", "schedule <schedule>" or "event <eventType> <document pattern>". */
  trigger: string;
  retry: boolean;
  secrets: string[];
  endpoint: Endpoint;
}

export interface FunctionsPlan {
  codebase: string;
  source: string;
  /** firebase.json's upload ignore globs for the codebase. */
  ignore?: string[];
  runtime: string;
  sdkVersion: string;
  /** The .env files the CLI loaded, in order (later ones win). */
  envFiles: string[];
  userEnvs: Record<string, string>;
  params: Param[];
  /** Non-secret params as a non-interactive deploy resolves them. */
  paramValues: Record<string, string>;
  /** Secret params: a deploy needs each in Secret Manager (not checked offline). */
  secretParams: Param[];
  requiredAPIs: string[];
  functions: PlannedFunction[];
  backend: Backend;
}

export interface PlannedRewrite {
  /** The rewrite as firebase.json has it (normalized by the CLI). */
  config: Record<string, unknown>;
  /** As the Hosting API would receive it: `run` when a deployed function matches, `function` when none does. */
  api: HostingApiRewrite;
}

export interface HostingPlan {
  /** The project's default site, which for a project created since 2019 is named after the project. */
  site: string;
  public: string;
  files: string[];
  rewrites: PlannedRewrite[];
}

export interface FirestorePlan {
  database: string;
  rulesFile?: string;
  rules?: string;
  indexesFile?: string;
  indexes?: IndexSpec;
}

export interface DeployPlan {
  firebaseToolsVersion: string;
  projectId: string;
  alias?: string;
  targets: string[];
  /** firebase.json's departures from the CLI's schema (the CLI only logs them at debug level). */
  configWarnings: string[];
  functions: FunctionsPlan[];
  hosting: HostingPlan[];
  firestore: FirestorePlan[];
}

/** A deploy step that failed the way `firebase deploy` would fail there. */
export class DeployStepError extends Error {
  constructor(
    readonly step: string,
    message: string,
    readonly log: string[],
  ) {
    super(message);
  }
}

const FIRESTORE_EVENT_PREFIX = "google.cloud.firestore.";
const DEFAULT_FIRESTORE_LOCATION = "nam5";

function errorText(e: unknown): string {
  const children = (e as { children?: unknown[] }).children ?? [];
  return [
    (e as Error).message ?? String(e),
    ...children.map((c) => `  ${(c as Error).message ?? String(c)}`),
  ].join("\n");
}

function describeTrigger(e: Endpoint): string {
  if (e.callableTrigger) return "callable";
  if (e.httpsTrigger) return "https";
  if (e.scheduleTrigger) return `schedule ${e.scheduleTrigger.schedule}`;
  if (e.eventTrigger)
    return `event ${e.eventTrigger.eventType} ${Object.values(e.eventTrigger.eventFilterPathPatterns ?? {}).join(" ")}`.trimEnd();
  if (e.taskQueueTrigger) return "task queue";
  if (e.blockingTrigger) return "blocking";
  return "unknown";
}

/** The region a first deploy gives the Firestore triggers, from the database's location (as firebase-tools does). */
export const triggerRegionFor = (locationId: string): string =>
  FIRESTORE_DUAL_REGION_TO_REGION_MAPPING[locationId.toLowerCase()] ?? locationId.toLowerCase();

/** Whether a planned function is a Firestore trigger (it deploys to its database's region). */
export const isFirestoreTrigger = (f: PlannedFunction): boolean =>
  f.trigger.startsWith(`event ${FIRESTORE_EVENT_PREFIX}`);

/**
 * The regions a first deploy gives functions that declare none (prepare.resolveDefaultRegionsForBuild):
 * a Firestore trigger goes to its database's region, anything else to the CLI's fallback region.
 */
function resolveDefaultRegions(build: Build, firestoreLocation: string): void {
  const firestoreRegion = triggerRegionFor(firestoreLocation);
  for (const endpoint of Object.values(build.endpoints) as Array<{
    region?: string[];
    eventTrigger?: { eventType: string };
  }>) {
    if (endpoint.region?.length && !endpoint.region.includes(REGION_TBD)) continue;
    endpoint.region = [
      endpoint.eventTrigger?.eventType.startsWith(FIRESTORE_EVENT_PREFIX)
        ? firestoreRegion
        : FALLBACK_DEPLOYMENT_REGION,
    ];
  }
}

function deployOptions(projectDir: string, project: string, only: string | undefined): DeployOptions {
  const config = Config.load({ cwd: projectDir, projectDir });
  if (!config) throw new Error(`no firebase.json in ${projectDir}`);
  const rc = loadRC({ cwd: projectDir });
  const alias = rc.hasProjectAlias(project) ? project : undefined;
  const projectId = rc.resolveAlias(project);
  return {
    cwd: projectDir,
    projectRoot: projectDir,
    config,
    rc,
    project: projectId,
    projectId,
    projectAlias: alias,
    only,
    // The default Hosting site; the CLI asks the Hosting API for it.
    site: projectId,
    nonInteractive: true,
    force: false,
  };
}

function schemaWarnings(config: DeployOptions["config"]): string[] {
  const validate = firebaseConfigSchema.getValidator();
  return validate(config.src)
    ? []
    : (validate.errors ?? []).map((e) => firebaseConfigSchema.getErrorMessage(e));
}

async function planFunctions(
  options: DeployOptions,
  firestoreLocation: string,
  configDir: string | undefined,
): Promise<FunctionsPlan[]> {
  const codebases = projectConfig.normalizeAndValidate(options.config.src.functions);
  const plans: FunctionsPlan[] = [];
  for (const codebaseConfig of codebases) {
    const codebase = codebaseConfig.codebase ?? "default";
    const source = codebaseConfig.source ?? "functions";
    const sourceDir = options.config.path(source);
    const delegate = await getRuntimeDelegate({
      projectId: options.projectId,
      sourceDir,
      projectDir: options.projectRoot,
      runtime: codebaseConfig.runtime,
    });
    supportedRuntimes.guardVersionSupport(delegate.runtime);
    packageJsonIsValid(source, sourceDir, options.projectRoot);

    const envOptions = {
      functionsSource: sourceDir,
      projectId: options.projectId,
      projectAlias: options.projectAlias,
      projectDir: options.projectRoot,
      configDir: configDir ?? projectConfig.resolveConfigDir(codebaseConfig, codebase),
    };
    const userEnvs = functionsEnv.loadUserEnvs(envOptions);
    // The project's adminSdkConfig as the CLI fetches it, minus what a fresh project's would add.
    const firebaseConfig = { projectId: options.projectId };
    const firebaseEnvs = functionsEnv.loadFirebaseEnvs(firebaseConfig, options.projectId);
    const build = await discoverBuild(
      delegate,
      options.projectId,
      { firebase: firebaseConfig },
      {
        ...userEnvs,
        ...firebaseEnvs,
        GOOGLE_CLOUD_QUOTA_PROJECT: options.projectId,
      },
    );

    const secretParams = build.params.filter((p) => p.type === "secret");
    // Secrets are looked up in Secret Manager; everything else must resolve from the .env files alone.
    const { paramValues } = await resolveParams({
      params: build.params.filter((p) => p.type !== "secret"),
      firebaseConfig,
      userEnvs: envWithTypes(build.params, userEnvs),
      codebase,
      nonInteractive: true,
      isEmulator: false,
    });
    resolveDefaultRegions(build, firestoreLocation);
    const backend = toBackend(build, paramValues);
    const functions = backends.allEndpoints(backend).map((endpoint) => ({
      id: endpoint.id,
      region: endpoint.region,
      codebase,
      trigger: describeTrigger(endpoint),
      retry: endpoint.eventTrigger?.retry === true,
      secrets: (endpoint.secretEnvironmentVariables ?? []).map((s) => s.secret),
      endpoint: { ...endpoint, codebase },
    }));
    // The files loadUserEnvs read, in its order (firebase-tools' findEnvfiles is not exported).
    const envDir = envOptions.configDir ?? sourceDir;
    plans.push({
      codebase,
      source,
      ignore: codebaseConfig.ignore,
      runtime: delegate.runtime,
      sdkVersion: delegate.sdkVersion,
      envFiles: [
        ".env",
        `.env.${options.projectId}`,
        ...(options.projectAlias ? [`.env.${options.projectAlias}`] : []),
      ]
        .filter((file) => existsSync(`${envDir}/${file}`))
        .map((file) => relative(options.projectRoot, `${envDir}/${file}`)),
      userEnvs,
      params: build.params,
      paramValues: Object.fromEntries(
        Object.entries(paramValues).map(([name, value]) => [name, value.toString()]),
      ),
      secretParams,
      requiredAPIs: build.requiredAPIs.map((r) => r.api),
      functions: functions.sort((a, b) => a.id.localeCompare(b.id)),
      backend,
    });
  }
  return plans;
}

async function planHosting(options: DeployOptions, functions: FunctionsPlan[]): Promise<HostingPlan[]> {
  const wantBackends = Object.fromEntries(functions.map((f) => [f.codebase, { wantBackend: f.backend }]));
  const plans: HostingPlan[] = [];
  for (const config of hostingConfig(options)) {
    const publicDir = config.public ?? "";
    const converted = await convertConfig(
      // Nothing deployed yet: a rewrite must find its function among those being deployed.
      { projectId: options.projectId, existingBackendPromise: Promise.resolve(backends.empty()) },
      { functions: wantBackends },
      { config, version: `sites/${config.site}/versions/preflight` },
    );
    const rewrites = config.rewrites ?? [];
    plans.push({
      site: config.site,
      public: publicDir,
      files: publicDir ? listFiles(options.config.path(publicDir), config.ignore).sort() : [],
      rewrites: rewrites.map((rewrite, i) => ({ config: rewrite, api: converted.rewrites?.[i] ?? {} })),
    });
  }
  return plans;
}

function planFirestore(options: DeployOptions): FirestorePlan[] {
  return getFirestoreConfig(options.projectId, options).map((target) => {
    const plan: FirestorePlan = { database: target.database };
    if (target.rules) {
      plan.rulesFile = target.rules;
      plan.rules = readFileSync(options.config.path(target.rules), "utf8");
    }
    if (target.indexes) {
      const api = new FirestoreApi();
      plan.indexesFile = target.indexes;
      plan.indexes = api.upgradeOldSpec(loadCJSON(options.config.path(target.indexes)));
      api.validateSpec(plan.indexes);
    }
    return plan;
  });
}

/** Runs one step of the preparation, turning its failure into the CLI's message plus what it logged. */
async function step<T>(name: string, log: string[], work: () => T | Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (e) {
    throw new DeployStepError(name, errorText(e), log);
  }
}

export async function planDeploy(opts: DeployPlanOptions): Promise<DeployPlan> {
  const collected = collectFirebaseToolsLog();
  const log = collected.lines;
  try {
    const options = await step("firebase.json", log, () =>
      deployOptions(opts.projectDir, opts.project, opts.only),
    );
    const targets = await step("deploy targets", log, () =>
      filterTargets(options, [...VALID_DEPLOY_TARGETS]),
    );
    if (opts.runPredeploy ?? true) {
      for (const target of targets)
        await step(`${target} predeploy`, log, () => lifecycleHooks(target, "predeploy")({}, options));
    }
    // Where the Firestore database is: firebase.json's firestore.location, or nam5, where deploy creates one.
    const firestoreLocation =
      (options.config.get("firestore") as { location?: string } | undefined)?.location ||
      DEFAULT_FIRESTORE_LOCATION;
    const functions = targets.includes("functions")
      ? await step("functions", log, () => planFunctions(options, firestoreLocation, opts.configDir))
      : [];
    const hosting = targets.includes("hosting")
      ? await step("hosting", log, () => planHosting(options, functions))
      : [];
    const firestore = targets.includes("firestore")
      ? await step("firestore", log, () => planFirestore(options))
      : [];
    return {
      firebaseToolsVersion: FIREBASE_TOOLS_VERSION,
      projectId: options.projectId,
      alias: options.projectAlias,
      targets,
      configWarnings: schemaWarnings(options.config),
      functions,
      hosting,
      firestore,
    };
  } finally {
    collected.stop();
  }
}
