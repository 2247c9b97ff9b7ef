/**
 * Bundles the dashboard with esbuild into hosting/dashboard/ (git-ignored; built by `npm start`,
 * `npm test` and the Hosting predeploy), which Firebase Hosting serves at /dashboard/. Nothing is loaded
 * from a CDN: Chart.js and the Firebase SDK are in the bundle. The emulator ports come from firebase.json,
 * so the page and the emulators cannot disagree.
 */
import { build } from "esbuild";
import { copyFileSync, mkdirSync, readFileSync } from "node:fs";
import path from "node:path";

const here = __dirname;
const root = path.join(here, "../..");
export const outDir = path.join(root, "hosting/dashboard");

const emulators = (
  JSON.parse(readFileSync(path.join(root, "firebase.json"), "utf8")) as {
    emulators: Record<string, { port?: number }>;
  }
).emulators;
const ports = {
  auth: emulators.auth!.port,
  functions: emulators.functions!.port,
  firestore: emulators.firestore!.port,
};

async function main(): Promise<void> {
  mkdirSync(outDir, { recursive: true });
  await build({
    entryPoints: [path.join(here, "src/main.ts")],
    outfile: path.join(outDir, "app.js"),
    bundle: true,
    minify: true,
    platform: "browser",
    format: "esm",
    target: "es2020",
    define: { __EMULATOR_PORTS__: JSON.stringify(ports) },
    logLevel: "warning",
  });
  for (const file of ["index.html", "styles.css"])
    copyFileSync(path.join(here, file), path.join(outDir, file));
  console.log(`built ${path.relative(root, outDir)}/`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
