/**
 * `npm run bench`: runs every bench/<area>/<name>.bench.ts, each in its own Node process (so one's
 * JIT and heap do not colour another's numbers), one after the other. `npm run bench -- sdk` runs
 * those whose path contains "sdk". Exits non-zero if any benchmark failed or missed its budget.
 * Only the benchmarks' reports reach the terminal (bench/support/report.ts); everything else they and
 * their emulators and child processes print goes to LOG_FILE.
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, openSync, readdirSync, writeSync } from "node:fs";
import path from "node:path";
import { REPORT_FD_ENV } from "./support/report";

const BENCH_DIR = __dirname;
/** In the git-ignored .stack/, rewritten by every run. */
const LOG_FILE = path.join(BENCH_DIR, "../.stack/bench.log");
/** The benchmark's file descriptor for its report: our stdout, passed as its fourth stdio entry. */
const REPORT_FD = 3;

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

mkdirSync(path.dirname(LOG_FILE), { recursive: true });
const log = openSync(LOG_FILE, "w");
const logName = path.relative(process.cwd(), LOG_FILE);
console.log(`logs of the benchmarks, emulators and child processes: ${logName}`);

const failed: string[] = [];
for (const file of selected) {
  const title = `\n=== bench/${file}`;
  console.log(title);
  writeSync(log, `${title}\n`);
  const run = spawnSync(process.execPath, ["--import", "tsx", path.join(BENCH_DIR, file)], {
    stdio: ["inherit", log, log, process.stdout.fd],
    env: { ...process.env, [REPORT_FD_ENV]: String(REPORT_FD) },
  });
  if (run.status !== 0) failed.push(file);
}
console.log(
  failed.length === 0
    ? `\nbenchmarks: ${selected.length} ran, all within budget`
    : `\nbenchmarks failed or over budget: ${failed.join(", ")} (their logs: ${logName})`,
);
process.exitCode = failed.length === 0 ? 0 : 1;
