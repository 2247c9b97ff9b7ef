/**
 * Which files of a functions source directory `firebase deploy` uploads: mirrors firebase-tools'
 * prepareFunctionsUpload.packageSource (lib/deploy/functions/), i.e. the codebase's "ignore" globs (default
 * node_modules and .git) plus the CLI's own additions, each matched with minimatch {matchBase, dot}
 * against the absolute path of every entry; an ignored directory is not descended into.
 */
import { readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { minimatch } from "./firebase-tools";

const CLI_DEFAULT_IGNORE = ["node_modules", ".git"];
const CLI_ALWAYS_IGNORED = ["firebase-debug.log", "firebase-debug.*.log", ".runtimeconfig.json"];

/** Absolute paths of the files that would be uploaded, given firebase.json's ignore list (if any). */
export function filesFirebaseWouldUpload(sourceDir: string, ignore: readonly string[] | undefined): string[] {
  const globs = [...(ignore ?? CLI_DEFAULT_IGNORE), ...CLI_ALWAYS_IGNORED];
  const ignored = (path: string) =>
    globs.some((glob) => minimatch(path, glob, { matchBase: true, dot: true }));
  const walk = (dir: string): string[] =>
    readdirSync(dir)
      .map((name) => join(dir, name))
      .filter((path) => !ignored(path))
      .flatMap((path) => (statSync(path).isDirectory() ? walk(path) : [path]));
  return walk(sourceDir);
}
