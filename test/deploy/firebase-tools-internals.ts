/**
 * The exact matcher and parser firebase-tools itself uses (resolved from its own location), so the
 * deployability test selects upload files and reads the manifest the way `firebase deploy` does.
 */
import { createRequire } from "node:module";

const fromFirebaseTools = createRequire(require.resolve("firebase-tools/package.json"));

type Minimatch = (path: string, pattern: string, options: { matchBase: boolean; dot: boolean }) => boolean;
export const minimatch = fromFirebaseTools("minimatch") as Minimatch;
export const yaml = fromFirebaseTools("yaml") as { parse(text: string): unknown };
