/**
 * `npm run preflight -- --project <alias-or-id>`: everything about a first `firebase deploy` that can be
 * known before running it. Offline: firebase-tools' own deploy preparation (deploy-plan.ts) judged by
 * offline-checks.ts, and the functions bundle installed alone as Cloud Build will. With application
 * default credentials: what the project has (online-checks.ts). Thin I/O shell; exit code 1 on failure.
 */
import { readFileSync, rmSync } from "node:fs";
import { homedir } from "node:os";
import { join, resolve } from "node:path";
import { parseArgs, USAGE, UsageError, type Invocation } from "./args";
import { accessToken, lookUpCredentials } from "./credentials";
import { DeployStepError, planDeploy, type DeployPlan, type FunctionsPlan } from "./deploy-plan";
import { failed, formatReport, skip, warn, type Finding } from "./findings";
import { FIREBASE_TOOLS_VERSION } from "./firebase-tools";
import { GOOGLE_API_NAMES, googleGet } from "./google-apis";
import { deployStepFinding, offlineFindings, type InstallResult } from "./offline-checks";
import { onlineFindings } from "./online-checks";
import {
  bundleProblems,
  copyUploadedFiles,
  mainFile,
  npmInstallAlone,
  readFunctionsPackage,
} from "./standalone-install";

const REPO = resolve(__dirname, "../..");
const ONLINE = "project (online)";

async function installAlone(fp: FunctionsPlan): Promise<InstallResult> {
  const sourceDir = join(REPO, fp.source);
  const { dir } = copyUploadedFiles(sourceDir, fp.ignore);
  try {
    // --prefer-offline: the npm cache answers what it can; the registry the rest, as for Cloud Build.
    const { code, output } = await npmInstallAlone(dir, ["--prefer-offline"]);
    const names = Object.keys(readFunctionsPackage(dir).dependencies ?? {});
    const installedVersion = (name: string) =>
      (
        JSON.parse(readFileSync(join(dir, "node_modules", name, "package.json"), "utf8")) as {
          version: string;
        }
      ).version;
    return {
      code,
      output,
      problems: code === 0 ? bundleProblems(dir) : [],
      dependencies: code === 0 ? Object.fromEntries(names.map((n) => [n, installedVersion(n)])) : {},
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function online(
  plan: DeployPlan,
  invocation: Extract<Invocation, { help: false }>,
  projectOk: boolean,
): Promise<Finding[]> {
  const notRun = `not run: the online checks (${GOOGLE_API_NAMES})`;
  if (!projectOk) return [skip(ONLINE, `${notRun}: no valid project to check`)];
  if (invocation.offline) return [skip(ONLINE, `${notRun}: --offline`)];
  const credentials = lookUpCredentials(process.env, homedir());
  if (!credentials.found)
    return [
      skip(
        ONLINE,
        `${notRun}: ${credentials.reason}`,
        "gcloud auth application-default login, then run preflight again to check the project itself",
      ),
    ];
  if (plan.projectId.startsWith("demo-"))
    return [skip(ONLINE, `${notRun}: a demo- project has nothing online`)];
  let token: string;
  try {
    token = await accessToken();
  } catch (e) {
    return [
      warn(
        ONLINE,
        `${notRun}: no access token from ${credentials.path}: ${(e as Error).message}`,
        "gcloud auth application-default login",
      ),
    ];
  }
  return onlineFindings(googleGet(token, plan.projectId), plan);
}

async function main(argv: readonly string[]): Promise<boolean> {
  const invocation = parseArgs(argv);
  if (invocation.help) {
    console.log(USAGE);
    return true;
  }
  // Like the CLI: without --project, the .firebaserc alias "default".
  const project = invocation.project ?? "default";
  const findings: Finding[] = [];
  try {
    const plan = await planDeploy({ projectDir: REPO, project, only: invocation.only });
    const bundles = Object.fromEntries(
      plan.functions.map((fp) => [
        fp.codebase,
        readFileSync(join(REPO, fp.source, mainFile(readFunctionsPackage(join(REPO, fp.source)))), "utf8"),
      ]),
    );
    const installs = invocation.skipInstall
      ? undefined
      : Object.fromEntries(
          await Promise.all(plan.functions.map(async (fp) => [fp.codebase, await installAlone(fp)] as const)),
        );
    findings.push(...offlineFindings({ plan, bundles, installs, now: new Date() }, invocation.only));
    findings.push(...(await online(plan, invocation, !failed(findings.filter((f) => f.area === "project")))));
  } catch (e) {
    if (!(e instanceof DeployStepError)) throw e;
    findings.push(deployStepFinding(e.step, e.message, e.log, invocation.project));
  }
  console.log(
    formatReport(
      `aideon-perf preflight: firebase deploy --only ${invocation.only} --project ${project} (firebase-tools ${FIREBASE_TOOLS_VERSION})`,
      findings,
    ),
  );
  return !failed(findings);
}

main(process.argv.slice(2)).then(
  (ok) => process.exit(ok ? 0 : 1),
  (e: unknown) => {
    if (e instanceof UsageError) console.error(`${e.message}\n\n${USAGE}`);
    else console.error(e);
    process.exit(1);
  },
);
