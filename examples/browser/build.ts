/**
 * Bundles the page with esbuild (installed with the repo: nothing is downloaded). `--serve` also serves
 * this folder on http://127.0.0.1:8000 and rebuilds on each request.
 */
import { build, context, type BuildOptions } from "esbuild";
import path from "node:path";

const here = __dirname;

export const bundleOptions: BuildOptions = {
  entryPoints: [path.join(here, "src/main.ts")],
  outfile: path.join(here, "dist/main.js"),
  bundle: true,
  platform: "browser",
  format: "esm",
  target: "es2020",
  sourcemap: true,
  logLevel: "warning",
};

async function main(): Promise<void> {
  if (!process.argv.includes("--serve")) {
    await build(bundleOptions);
    console.log(`built ${bundleOptions.outfile}`);
    return;
  }
  const ctx = await context(bundleOptions);
  const { hosts, port } = await ctx.serve({ servedir: here, host: "127.0.0.1", port: 8000 });
  console.log(`browser example on http://${hosts[0]}:${port}/ (Ctrl-C stops)`);
}

if (require.main === module) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
