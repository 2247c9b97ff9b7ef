// Bundles the agent into dist/cli.js for plain Node 20+. A host installs the agent from its own
// package.json alone, so nothing here may require a workspace package at run time: everything but the
// declared dependencies (systeminformation) is inlined.
//
// From the core the agent takes only the wire contract's constants, evaluated here and inlined: its
// zod schemas would cost about 12 MB of RSS of the agent's 60 MB budget. The function validates every
// push with the schema, and the tests hold everything the agent sends to it. Importing anything but a
// constant from @aideon-perf/core into the agent fails this build ("No matching export").
import { build } from "esbuild";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";

const here = path.dirname(new URL(import.meta.url).pathname);
const pkg = JSON.parse(readFileSync(path.join(here, "package.json"), "utf8"));
const require = createRequire(import.meta.url);

/** The core's exports that are plain data (numbers, strings, frozen tables of them), as JS source. */
async function coreConstantsSource() {
  const { outputFiles } = await build({
    entryPoints: [require.resolve("@aideon-perf/core")],
    bundle: true,
    platform: "node",
    format: "cjs",
    write: false,
    logLevel: "warning",
  });
  const module = { exports: {} };
  new Function("module", "exports", "require", outputFiles[0].text)(module, module.exports, require);
  const isData = (value) =>
    value === null ||
    ["number", "string", "boolean"].includes(typeof value) ||
    (typeof value === "object" &&
      Object.getPrototypeOf(value) === Object.prototype &&
      Object.values(value).every(isData)) ||
    (Array.isArray(value) && value.every(isData));
  return Object.entries(module.exports)
    .filter(([, value]) => isData(value))
    .map(([name, value]) => `export const ${name} = ${JSON.stringify(value)};`)
    .join("\n");
}

const coreConstants = {
  name: "core-constants",
  setup(build) {
    build.onResolve({ filter: /^@aideon-perf\/core$/ }, () => ({
      path: "@aideon-perf/core",
      namespace: "core-constants",
    }));
    build.onLoad({ filter: /.*/, namespace: "core-constants" }, async () => ({
      contents: await coreConstantsSource(),
      loader: "js",
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
  plugins: [coreConstants],
  logLevel: "warning",
});
