/**
 * The functions source as Cloud Build gets it: the files `firebase deploy` uploads, copied to a temp dir
 * outside the repo and installed there with `npm install` from functions/package.json alone (no lock file,
 * no workspace, nothing of the repo resolvable). Then the bundle may require only built-ins and its
 * declared dependencies, each resolved inside the copy.
 */
import { spawn } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, realpathSync } from "node:fs";
import { isBuiltin } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join, relative, sep } from "node:path";
import { filesFirebaseWouldUpload } from "./upload-files";

export interface FunctionsPackage {
  main?: string;
  engines?: { node?: string };
  dependencies?: Record<string, string>;
}

export const readFunctionsPackage = (dir: string): FunctionsPackage =>
  JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) as FunctionsPackage;

/** The entry point the runtime loads, relative to the package (Node's default when "main" is absent). */
export const mainFile = (pkg: FunctionsPackage): string => (pkg.main ?? "index.js").replace(/^\.\//, "");

/** Runs a command to completion; output is kept for failure messages. */
export function run(
  cmd: string,
  args: string[],
  cwd: string,
  env = process.env,
): Promise<{ code: number | null; output: string }> {
  return new Promise((done, fail) => {
    const child = spawn(cmd, args, { cwd, env, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.once("error", fail);
    child.once("close", (code) => done({ code, output }));
  });
}

/** Copies the files `firebase deploy` would upload to a fresh temp dir; returns it and their relative paths. */
export function copyUploadedFiles(
  functionsDir: string,
  ignore: readonly string[] | undefined,
): { dir: string; uploaded: string[] } {
  const dir = realpathSync(mkdtempSync(join(tmpdir(), "aideon-perf-functions-")));
  const uploaded = filesFirebaseWouldUpload(functionsDir, ignore).map((f) => relative(functionsDir, f));
  for (const file of uploaded) {
    const target = join(dir, file);
    mkdirSync(dirname(target), { recursive: true });
    copyFileSync(join(functionsDir, file), target);
  }
  return { dir, uploaded };
}

/** `npm install` in `dir` with none of an outer npm run's npm_* settings (they would point at the repo). */
export function npmInstallAlone(
  dir: string,
  extraArgs: string[] = [],
): Promise<{ code: number | null; output: string }> {
  const env = Object.fromEntries(
    Object.entries(process.env).filter(([key]) => !key.toLowerCase().startsWith("npm_")),
  );
  return run("npm", ["install", "--no-audit", "--no-fund", ...extraArgs], dir, env);
}

/** String-literal require() targets of a CommonJS bundle, and whether any require() is not one. */
export function requiredModules(code: string): { specifiers: string[]; allLiteral: boolean } {
  const specifiers = [...code.matchAll(/\brequire\(\s*(["'])([^"']+)\1\s*\)/g)].map((m) => m[2] as string);
  return {
    specifiers: [...new Set(specifiers)],
    allLiteral: specifiers.length === (code.match(/\brequire\(/g) ?? []).length,
  };
}

/** What keeps the installed copy in `dir` from loading on its own, one sentence each; [] when nothing does. */
export function bundleProblems(dir: string): string[] {
  const pkg = readFunctionsPackage(dir);
  const bundlePath = join(dir, mainFile(pkg));
  const bundle = readFileSync(bundlePath, "utf8");
  const { specifiers, allLiteral } = requiredModules(bundle);
  const problems: string[] = [];
  if (!allLiteral) problems.push(`${mainFile(pkg)} has a require() with a computed argument`);
  if (bundle.includes("@aideon-perf/"))
    problems.push(`${mainFile(pkg)} still refers to a workspace package (@aideon-perf/...)`);
  const dependencies = Object.keys(pkg.dependencies ?? {});
  for (const spec of specifiers.filter((s) => !isBuiltin(s))) {
    if (!dependencies.some((d) => spec === d || spec.startsWith(`${d}/`))) {
      problems.push(`${mainFile(pkg)} requires "${spec}", which package.json does not declare`);
      continue;
    }
    let resolved: string;
    try {
      resolved = realpathSync(require.resolve(spec, { paths: [dirname(bundlePath)] }));
    } catch {
      problems.push(`"${spec}" is not installed in the copy`);
      continue;
    }
    if (!resolved.startsWith(dir + sep)) problems.push(`"${spec}" resolves outside the copy: ${resolved}`);
  }
  return problems;
}
