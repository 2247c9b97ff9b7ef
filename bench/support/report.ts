/**
 * Where a benchmark prints its tables. `npm run bench` (bench/run.ts) sends each benchmark's stdout and
 * stderr, and with them whatever its emulators, function workers and child processes print, to a log
 * file, and hands the benchmark the terminal as the file descriptor named in BENCH_REPORT_FD. Run on
 * its own, a benchmark reports on stdout, among its logs.
 */
import { writeSync } from "node:fs";

export const REPORT_FD_ENV = "BENCH_REPORT_FD";

const reportFd = process.env[REPORT_FD_ENV] ? Number(process.env[REPORT_FD_ENV]) : undefined;

/** Prints a line (or lines) of the benchmark's report. */
export function report(text = ""): void {
  if (reportFd === undefined) console.log(text);
  else writeSync(reportFd, `${text}\n`);
}

/** A benchmark that threw: the error belongs in the report, and the run fails. */
export function reportFailure(error: unknown): void {
  report(error instanceof Error ? (error.stack ?? error.message) : String(error));
  process.exitCode = 1;
}
