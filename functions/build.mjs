// Bundles the functions and the workspace core into lib/index.js. Cloud Build installs functions/
// from its own package.json alone, so nothing here may require a workspace package at run time:
// everything but the declared dependencies is inlined.
import { build } from "esbuild";
import { readFileSync } from "node:fs";

const pkg = JSON.parse(readFileSync(new URL("./package.json", import.meta.url), "utf8"));

await build({
  entryPoints: [new URL("./src/index.ts", import.meta.url).pathname],
  outfile: new URL("./lib/index.js", import.meta.url).pathname,
  bundle: true,
  platform: "node",
  target: "node20",
  format: "cjs",
  sourcemap: true,
  external: Object.keys(pkg.dependencies),
  logLevel: "warning",
});
