/** --help text, generated from the option table so it cannot drift from what is parsed. */
import { DEFAULT_AGENT_INTERVAL_SECONDS } from "@aideon-perf/core/host-limits";
import { FLUSH_BOUND_MS } from "./agent";
import { ALLOW_FAST_ENV, CONFIG_FILE_OPTION, FAST_INTERVAL_MIN_SECONDS, OPTIONS } from "./config";
import { EXIT } from "./exit-codes";

export function helpText(version: string): string {
  const options = Object.values(OPTIONS).map((spec) =>
    [
      `  --${spec.flag} ${spec.metavar}`,
      `      ${spec.help}`,
      `      env ${spec.env.join(" or ")}; config file "${spec.file}"`,
    ].join("\n"),
  );
  return `aideon-perf-agent ${version}: pushes this host's CPU, memory, disk, network and (optionally) one
process's metrics to aideon-perf's ingestHostMetrics function, every ${DEFAULT_AGENT_INTERVAL_SECONDS} s by default.

Usage: aideon-perf-agent [options]

Options (precedence: flags > environment > config file > defaults):
${options.join("\n")}
  --config PATH
      JSON config file with the keys above, e.g. {"endpoint": "https://...", "key_file": "/etc/aideon-perf/key"}.
      env ${CONFIG_FILE_OPTION.env}
  --once        Take one sample, push it, exit (code 0 when stored).
  --dry-run     Print each request that would be sent (JSON, one per line, key redacted) and send nothing;
                endpoint and key are then optional.
  --version     Print the version.
  -h, --help    Print this help.

The key is taken from the highest layer that gives it, as --key/--key-file, AIDEON_AGENT_KEY/
AIDEON_AGENT_KEY_FILE, or "key"/"key_file"; one layer giving both forms is an error.
Unsent samples are kept (up to --buffer-size) and re-sent with backoff; HTTP 400 drops a batch (counted),
HTTP 401/403 stops the agent. SIGTERM or SIGINT sends what is buffered, for at most ${FLUSH_BOUND_MS / 1_000} s, then exits.
Test knob: ${ALLOW_FAST_ENV}=1 allows intervals down to ${FAST_INTERVAL_MIN_SECONDS} s.

Exit codes: ${EXIT.ok} stopped by a signal, or --once stored; ${EXIT.failed} --once not stored, or an unexpected error;
${EXIT.keyRejected} agent key rejected (HTTP 401/403); ${EXIT.usage} invalid options or config file.
`;
}
