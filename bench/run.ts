/**
 * `npm run bench`: runs every bench/<area>/<name>.bench.ts, each in its own Node process (so one's
 * JIT and heap do not colour another's numbers), one after the other. `npm run bench -- sdk` runs
 * those whose path contains "sdk". Exits non-zero if any benchmark failed or missed its budget.
 */
import { spawnSync } from "node:child_process";
import { readdirSync } from "node:fs";
import path from "node:path";

const BENCH_DIR = __dirname;

function benchmarks(): string[] {
  return readdirSync(BENCH_DIR, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .flatMap((dir) =>
      readdirSync(path.join(BENCH_DIR, dir.name))
        .filter((file) => file.endsWith(".bench.ts"))
        .map((file) => path.join(dir.name, file)),
    )
    .sort();
}

const filters = process.argv.slice(2);
const selected = benchmarks().filter((file) => filters.length === 0 || filters.some((f) => file.includes(f)));
if (selected.length === 0) {
  console.error(`no benchmark matches ${filters.join(", ")} (have: ${benchmarks().join(", ")})`);
  process.exit(1);
}

const failed: string[] = [];
for (const file of selected) {
  console.log(`\n=== bench/${file}`);
  const run = spawnSync(process.execPath, ["--import", "tsx", path.join(BENCH_DIR, file)], {
    stdio: "inherit",
  });
  if (run.status !== 0) failed.push(file);
}
console.log(
  failed.length === 0
    ? `\nbenchmarks: ${selected.length} ran, all within budget`
    : `\nbenchmarks failed or over budget: ${failed.join(", ")}`,
);
process.exitCode = failed.length === 0 ? 0 : 1;
