/** Every log line the agent writes, as named functions so wording stays consistent and greppable. */
import type { AgentConfig } from "./config";
import { EXIT } from "./exit-codes";
import type { ProcessTarget } from "./watched-process";

const describeTarget = (target: ProcessTarget) => ("pid" in target ? `pid ${target.pid}` : target.name);

const plural = (count: number, noun: string) => `${count} ${noun}${count === 1 ? "" : "s"}`;

export const messages = {
  started: (config: AgentConfig, version: string) =>
    `started aideon-perf-agent ${version}: host_id=${config.hostId} endpoint=${config.endpoint?.href ?? "(none)"}` +
    `${config.dryRun ? " (dry run: printing, not sending)" : ""} ` +
    `interval=${config.intervalSeconds}s buffer=${config.bufferSize} timeout=${config.timeoutSeconds}s` +
    (config.process ? ` process=${describeTarget(config.process)}` : ""),
  processFound: (name: string, pid: number) => `watching process ${name} (pid ${pid})`,
  processMissing: (target: ProcessTarget) =>
    `process ${describeTarget(target)} is not running; samples go without it`,
  pushed: (count: number, accepted: number, duplicates: number, buffered: number) =>
    `pushed ${plural(count, "sample")}: accepted ${accepted}, duplicates ${duplicates}; ${buffered} still buffered`,
  pushFailed: (reason: string, retryInMs: number, buffered: number) =>
    `push failed (${reason}); retrying in ${(retryInMs / 1_000).toFixed(1)} s with the same samples; ${buffered} buffered`,
  batchRejected: (reason: string, dropped: number, droppedTotal: number) =>
    `push rejected (${reason}): dropped ${plural(dropped, "sample")}, not retried (dropped so far: ${droppedTotal})`,
  keyRejected: (status: number, reason: string) =>
    (status === 401
      ? "agent key rejected (revoked or wrong)"
      : "agent key not allowed to push host metrics") +
    ` (${reason}); stopping with exit code ${EXIT.keyRejected}`,
  bufferOverflow: (capacity: number, droppedTotal: number) =>
    `buffer full (${capacity} samples): dropped the oldest (dropped so far: ${droppedTotal})`,
  sampleStillRunning: () => "sample skipped: the previous one is still being taken",
  sampleFailed: (error: unknown) =>
    `sample not taken: ${error instanceof Error ? error.message : String(error)}`,
  sampleInvalid: (field: string, droppedTotal: number) =>
    `sample dropped: ${field} is not a finite non-negative number (dropped so far: ${droppedTotal})`,
  stopping: (signal: string, buffered: number, boundMs: number) =>
    `${signal}: stopping; sending ${plural(buffered, "buffered sample")} within ${boundMs / 1_000} s`,
  unsent: (count: number) => `${plural(count, "sample")} not sent, lost on exit`,
  stopped: (dropped: number) => `stopped (dropped in this run: ${dropped})`,
  pushNotRetried: (reason: string) => `push failed: ${reason}`,
};
