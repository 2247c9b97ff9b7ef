/** aideon-perf-agent: options -> one of help, version, --once, or the agent until SIGTERM / SIGINT. */
import { readFileSync } from "node:fs";
import os from "node:os";
import { version } from "../package.json";
import { HostAgent } from "./agent";
import { Collector } from "./collector";
import { ConfigError, resolveCommand, type AgentConfig } from "./config";
import { dryRunTransport } from "./dry-run";
import { EXIT } from "./exit-codes";
import { helpText } from "./help";
import { httpTransport, type Transport } from "./http-transport";
import { lineLog } from "./log";
import { messages } from "./messages";
import { runOnce } from "./run-once";

async function main(): Promise<number> {
  // What `ps` and /proc/<pid>/comm show (cut to 15 characters there).
  process.title = "aideon-perf-agent";
  let command;
  try {
    command = resolveCommand({
      argv: process.argv.slice(2),
      env: process.env,
      hostname: os.hostname(),
      platform: process.platform,
      readFile: (path) => readFileSync(path, "utf8"),
    });
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`aideon-perf-agent: ${error.message}\n`);
    return EXIT.usage;
  }
  if (command.kind === "help") return print(helpText(version));
  if (command.kind === "version") return print(`${version}\n`);

  const { config } = command;
  const log = lineLog((line) => process.stderr.write(line), config.key);
  const send = await transport(config);
  const collector = await Collector.create(config.process, log);
  if (config.once) return runOnce(collector, send, config.hostId, version, log);

  const agent = new HostAgent({
    intervalSeconds: config.intervalSeconds,
    bufferSize: config.bufferSize,
    hostId: config.hostId,
    version,
    collect: () => collector.collect(),
    send,
    log,
  });
  for (const signal of ["SIGTERM", "SIGINT"] as const) process.on(signal, () => void agent.close(signal));
  log("info", messages.started(config, version));
  agent.start();
  return agent.done;
}

async function transport(config: AgentConfig): Promise<Transport> {
  // resolveCommand guarantees endpoint and key unless dryRun.
  if (config.dryRun || !config.endpoint || config.key === undefined) {
    return dryRunTransport(config.endpoint, config.key !== undefined, (line) => process.stdout.write(line));
  }
  return httpTransport({
    endpoint: config.endpoint,
    key: config.key,
    timeoutMs: config.timeoutSeconds * 1_000,
    userAgent: `aideon-perf-agent/${version} node/${process.version}`,
  });
}

function print(text: string): number {
  process.stdout.write(text);
  return EXIT.ok;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(
      `aideon-perf-agent: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    process.exit(EXIT.failed);
  },
);
