// Bundles the agent into dist/cli.js for plain Node 20+. A host installs the agent from its own
// package.json alone, so nothing here may require a workspace package at run time: everything but the
// declared dependencies (systeminformation) is inlined.
//
// From the core the agent imports only zod-free subpaths (@aideon-perf/core/host-limits, /backoff): its
// zod schemas would cost about 12 MB of RSS of the agent's 60 MB budget. The function validates every
// push with the schema, and the tests hold everything the agent sends to it. A value imported from the
// core's root or anything that reaches zod fails this build; types may come from anywhere.
import { build } from "esbuild";
import { readFileSync } from "node:fs";
import path from "node:path";

const here = path.dirname(new URL(import.meta.url).pathname);
const pkg = JSON.parse(readFileSync(path.join(here, "package.json"), "utf8"));

const zodFree = {
  name: "zod-free",
  setup(build) {
    build.onResolve({ filter: /^(@aideon-perf\/core|zod)$/ }, (args) => ({
      errors: [{ text: `${args.path} would bundle zod: import from a zod-free core subpath instead` }],
    }));
  },
};

await build({
  entryPoints: [path.join(here, "src/cli.ts")],
  outfile: path.join(here, "dist/cli.js"),
  bundle: true,
  platform: "node",
  target: "node20",
  format: "cjs",
  // Less code to parse and hold.
  minify: true,
  external: Object.keys(pkg.dependencies),
  plugins: [zodFree],
  logLevel: "warning",
});
