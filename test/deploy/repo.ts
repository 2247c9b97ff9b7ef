/** The repository the deploy tests read, and its files. */
import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";

export const REPO = resolve(__dirname, "../..");
export const readText = (path: string): string => readFileSync(join(REPO, path), "utf8");
export const readJson = <T>(path: string): T => JSON.parse(readText(path)) as T;
