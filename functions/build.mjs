// Bundles the functions and the workspace core into lib/index.js. Cloud Build installs functions/
// from its own package.json alone, so nothing here may require a workspace package at run time:
// everything but the declared dependencies is inlined.
import { build } from "esbuild";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";

const here = path.dirname(new URL(import.meta.url).pathname);
const pkg = JSON.parse(readFileSync(path.join(here, "package.json"), "utf8"));

const result = await build({
  entryPoints: [path.join(here, "src/index.ts")],
  outfile: path.join(here, "lib/index.js"),
  bundle: true,
  platform: "node",
  target: "node20",
  format: "cjs",
  sourcemap: true,
  external: Object.keys(pkg.dependencies),
  logLevel: "warning",
  write: false,
});

// Unchanged output is not rewritten: the Functions emulator watches functions/ and would reload.
for (const file of result.outputFiles) {
  if (existsSync(file.path) && readFileSync(file.path).equals(Buffer.from(file.contents))) continue;
  mkdirSync(path.dirname(file.path), { recursive: true });
  writeFileSync(file.path, file.contents);
}
