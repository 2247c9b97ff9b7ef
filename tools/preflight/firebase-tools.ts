/**
 * The parts of firebase-tools (the devDependency `npx firebase` runs) that `firebase deploy` uses to
 * prepare a deploy, loaded from its own lib/ so that preflight and the deploy rehearsal run the CLI's
 * code rather than a copy of it. firebase-tools ships no types for these internals: each is typed here
 * with just what we use, and pinned by the devDependency's version (checked in the rehearsal test).
 */
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { Writable } from "node:stream";
import { stripVTControlCharacters } from "node:util";

const PACKAGE_JSON = require.resolve("firebase-tools/package.json");
const fromFirebaseTools = createRequire(PACKAGE_JSON);
const lib = <T>(path: string): T => fromFirebaseTools(join(dirname(PACKAGE_JSON), "lib", path)) as T;

export const FIREBASE_TOOLS_VERSION = (fromFirebaseTools(PACKAGE_JSON) as { version: string }).version;

// The glob matcher firebase-tools itself uses for upload paths.
type Minimatch = (path: string, pattern: string, options: { matchBase: boolean; dot: boolean }) => boolean;
export const minimatch = fromFirebaseTools("minimatch") as Minimatch;

// --- firebase.json, .firebaserc, targets --------------------------------------------------------------

export interface FirebaseConfig {
  projectDir: string;
  src: Record<string, unknown>;
  has(key: string): boolean;
  get(key: string): unknown;
  path(relative: string): string;
}
interface ConfigModule {
  Config: {
    load(
      options: { cwd: string; projectDir?: string; configPath?: string },
      allowMissing?: boolean,
    ): FirebaseConfig | null;
  };
}
export const { Config } = lib<ConfigModule>("config.js");

interface Validator {
  (data: unknown): boolean;
  errors?: unknown[] | null;
}
interface ConfigValidateModule {
  getValidator(): Validator;
  getErrorMessage(error: unknown): string;
}
export const firebaseConfigSchema = lib<ConfigValidateModule>("firebaseConfigValidate.js");

export interface RC {
  projects: Record<string, string>;
  resolveAlias(alias: string): string;
  hasProjectAlias(alias: string): boolean;
}
export const { loadRC } = lib<{ loadRC(options: { cwd: string }): RC }>("rc.js");

export const { filterTargets } = lib<{
  filterTargets(options: DeployOptions, validTargets: string[]): string[];
}>("filterTargets.js");
/** `firebase deploy`'s deploy targets, in the CLI's order (lib/deploy/index.js VALID_DEPLOY_TARGETS). */
export const { VALID_DEPLOY_TARGETS } = lib<{ VALID_DEPLOY_TARGETS: string[] }>("deploy/index.js");

/** The options object every deploy step reads (what the CLI builds from the command line and files). */
export interface DeployOptions {
  cwd: string;
  projectRoot: string;
  config: FirebaseConfig;
  rc: RC;
  project: string;
  projectId: string;
  projectAlias?: string;
  only?: string;
  except?: string;
  site?: string;
  nonInteractive: boolean;
  force: boolean;
}

// --- functions ----------------------------------------------------------------------------------------

export interface FunctionsCodebaseConfig {
  source?: string;
  codebase?: string;
  runtime?: string;
  ignore?: string[];
  configDir?: string;
}
interface ProjectConfigModule {
  normalizeAndValidate(config: unknown): FunctionsCodebaseConfig[];
  resolveConfigDir(config: FunctionsCodebaseConfig, codebase: string): string | undefined;
}
export const projectConfig = lib<ProjectConfigModule>("functions/projectConfig.js");

export const { lifecycleHooks } = lib<{
  lifecycleHooks(target: string, hook: string): (context: unknown, options: DeployOptions) => Promise<void>;
}>("deploy/lifecycleHooks.js");

export interface RuntimeDelegate {
  runtime: string;
  sdkVersion: string;
  serveAdmin(config: unknown, envs: Record<string, string>, port: string): Promise<() => Promise<unknown>>;
}
export const { getRuntimeDelegate } = lib<{
  getRuntimeDelegate(context: {
    projectId: string;
    sourceDir: string;
    projectDir: string;
    runtime?: string;
  }): Promise<RuntimeDelegate>;
}>("deploy/functions/runtimes/index.js");

export const { packageJsonIsValid } = lib<{
  packageJsonIsValid(sourceDirName: string, sourceDir: string, projectDir: string): void;
}>("deploy/functions/runtimes/node/validate.js");

interface SupportedModule {
  guardVersionSupport(runtime: string): void;
  RUNTIMES: Record<
    string,
    { friendly: string; status: string; deprecationDate: string; decommissionDate: string }
  >;
}
export const supportedRuntimes = lib<SupportedModule>("deploy/functions/runtimes/supported/index.js");

export const { detectFromPort } = lib<{
  detectFromPort(port: number, project: string, runtime: string): Promise<Build>;
}>("deploy/functions/runtimes/discovery/index.js");

/** A parameter as the manifest declares it (firebase-functions/params). */
export interface Param {
  name: string;
  type: "string" | "int" | "boolean" | "list" | "secret";
  description?: string;
  default?: unknown;
}
/** The discovered manifest, as firebase-tools reads it (deploy/functions/build.js). */
export interface Build {
  params: Param[];
  requiredAPIs: Array<{ api: string; reason: string }>;
  endpoints: Record<string, unknown>;
}

export interface SecretEnv {
  key: string;
  secret: string;
}
/** A function as it would be deployed (deploy/functions/backend.js Endpoint), the parts we read. */
export interface Endpoint {
  id: string;
  region: string;
  platform: string;
  entryPoint: string;
  httpsTrigger?: unknown;
  callableTrigger?: unknown;
  eventTrigger?: {
    eventType: string;
    retry: boolean;
    eventFilters?: Record<string, string>;
    eventFilterPathPatterns?: Record<string, string>;
  };
  scheduleTrigger?: { schedule: string; timeZone?: string | null };
  taskQueueTrigger?: unknown;
  blockingTrigger?: unknown;
  secretEnvironmentVariables?: SecretEnv[];
  codebase?: string;
}
export interface Backend {
  endpoints: Record<string, Record<string, Endpoint>>;
}

export interface ParamValue {
  toString(): string;
}
interface EnvModule {
  loadUserEnvs(options: {
    functionsSource: string;
    projectId: string;
    projectAlias?: string;
    projectDir: string;
    configDir?: string;
  }): Record<string, string>;
  loadFirebaseEnvs(firebaseConfig: unknown, projectId: string): Record<string, string>;
}
export const functionsEnv = lib<EnvModule>("functions/env.js");

export const { resolveParams } = lib<{
  resolveParams(options: {
    params: Param[];
    firebaseConfig: unknown;
    userEnvs: Record<string, unknown>;
    codebase: string;
    nonInteractive: boolean;
    isEmulator: boolean;
  }): Promise<{ paramValues: Record<string, ParamValue>; secretRefs: Record<string, string> }>;
}>("deploy/functions/params.js");

export const { toBackend, envWithTypes, REGION_TBD } = lib<{
  toBackend(build: Build, paramValues: Record<string, ParamValue>): Backend;
  envWithTypes(params: Param[], envs: Record<string, string>): Record<string, unknown>;
  REGION_TBD: string;
}>("deploy/functions/build.js");

/** Where a function without a region goes (deploy/functions/services), unless its trigger says otherwise. */
export const { FALLBACK_DEPLOYMENT_REGION } = lib<{ FALLBACK_DEPLOYMENT_REGION: string }>(
  "deploy/functions/services/index.js",
);
/** Firestore multi-region locations -> the region their triggers' functions default to (gcp/location.js). */
export const { FIRESTORE_DUAL_REGION_TO_REGION_MAPPING } = lib<{
  FIRESTORE_DUAL_REGION_TO_REGION_MAPPING: Record<string, string>;
}>("gcp/location.js");

interface BackendModule {
  allEndpoints(backend: Backend): Endpoint[];
  empty(): Backend;
}
export const backends = lib<BackendModule>("deploy/functions/backend.js");

/** The questions a first functions deploy asks: fatal in non-interactive mode unless --force answers them. */
export const { promptForFailurePolicies, promptForCleanupPolicyDays } = lib<{
  promptForFailurePolicies(
    options: { nonInteractive: boolean; force: boolean },
    want: Backend,
    have: Backend,
  ): Promise<void>;
  promptForCleanupPolicyDays(
    options: { nonInteractive: boolean; force: boolean },
    locations: string[],
  ): Promise<number>;
}>("deploy/functions/prompts.js");

// --- hosting ------------------------------------------------------------------------------------------

export interface HostingConfig {
  site: string;
  public?: string;
  ignore?: string[];
  rewrites?: Array<Record<string, unknown>>;
}
export const { hostingConfig } = lib<{ hostingConfig(options: DeployOptions): HostingConfig[] }>(
  "hosting/config.js",
);

/** A rewrite as the Hosting API receives it (deploy/hosting/convertConfig.js). */
export interface HostingApiRewrite {
  glob?: string;
  regex?: string;
  path?: string;
  function?: string;
  run?: { serviceId: string; region: string };
}
export const { convertConfig } = lib<{
  convertConfig(
    context: { projectId: string; existingBackendPromise: Promise<Backend> },
    functionsPayload: { functions: Record<string, { wantBackend: Backend }> },
    deploy: { config: HostingConfig; version: string },
  ): Promise<{ rewrites?: HostingApiRewrite[] }>;
}>("deploy/hosting/convertConfig.js");

export const { listFiles } = lib<{ listFiles(cwd: string, ignore?: string[]): string[] }>("listFiles.js");

// --- firestore ----------------------------------------------------------------------------------------

export interface FirestoreTargetConfig {
  database: string;
  rules?: string;
  indexes?: string;
}
export const { getFirestoreConfig } = lib<{
  getFirestoreConfig(projectId: string, options: DeployOptions): FirestoreTargetConfig[];
}>("firestore/fsConfig.js");

export interface IndexSpec {
  indexes: Array<{
    collectionGroup: string;
    queryScope: string;
    fields: Array<{ fieldPath: string; order?: string; arrayConfig?: string }>;
  }>;
  fieldOverrides: Array<{ collectionGroup: string; fieldPath: string; ttl?: boolean; indexes: unknown[] }>;
}
interface FirestoreApiModule {
  FirestoreApi: new () => { upgradeOldSpec(spec: unknown): IndexSpec; validateSpec(spec: IndexSpec): void };
}
export const { FirestoreApi } = lib<FirestoreApiModule>("firestore/api.js");

export const { loadCJSON } = lib<{ loadCJSON(path: string): unknown }>("loadCJSON.js");

// --- logging ------------------------------------------------------------------------------------------

interface Logger {
  add(transport: unknown): void;
  remove(transport: unknown): void;
}
const { logger } = lib<{ logger: Logger }>("logger.js");
/** winston's key for a log call's extra arguments (triple-beam SPLAT). */
const SPLAT = Symbol.for("splat");
const winston = fromFirebaseTools("winston") as {
  transports: { Stream: new (options: { stream: Writable; level: string; format: unknown }) => unknown };
  format: { printf(f: (info: { level: string; message: unknown; [SPLAT]?: unknown }) => string): unknown };
};

/**
 * Collects what firebase-tools logs from now until stop() (it is silent unless the CLI adds a console
 * transport): the functions' own output during discovery, its warnings, the reasons behind its errors.
 */
export function collectFirebaseToolsLog(): { lines: string[]; stop(): void } {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(chunk.toString().trimEnd());
      done();
    },
  });
  const transport = new winston.transports.Stream({
    stream,
    level: "info",
    // As the CLI's own console transport prints: the message and its extra arguments, no colours.
    format: winston.format.printf((info) =>
      stripVTControlCharacters(
        `${info.level}: ${[info.message, ...((info[SPLAT] as unknown[] | undefined) ?? [])]
          .filter((part) => part !== undefined)
          .map(String)
          .join(" ")}`,
      ),
    ),
  });
  logger.add(transport);
  return { lines, stop: () => logger.remove(transport) };
}
