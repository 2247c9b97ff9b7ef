/**
 * The agent's configuration: every option, its flag, environment variables, config file key and
 * default in one table (help.ts prints it), resolved once at start with precedence
 * flags > environment > config file > defaults, and validated with errors that name the option
 * where it was given. Pure: files are read through the injected readFile.
 */
import { parseArgs } from "node:util";
import {
  DEFAULT_AGENT_INTERVAL_SECONDS,
  HOST_ID_MAX_LENGTH,
  PROCESS_NAME_MAX_LENGTH,
} from "@aideon-perf/core/host-limits";
import type { ProcessTarget } from "./watched-process";

export interface AgentConfig {
  /** Undefined only with dryRun. */
  endpoint: URL | undefined;
  /** Undefined only with dryRun. Never logged. */
  key: string | undefined;
  intervalSeconds: number;
  hostId: string;
  process: ProcessTarget | undefined;
  bufferSize: number;
  timeoutSeconds: number;
  once: boolean;
  dryRun: boolean;
}

export type Command = { kind: "help" } | { kind: "version" } | { kind: "run"; config: AgentConfig };

export interface ConfigInputs {
  argv: readonly string[];
  env: Readonly<Record<string, string | undefined>>;
  hostname: string;
  platform: string;
  /** Reads a file as UTF-8; throws as fs.readFileSync does. */
  readFile(path: string): string;
}

export class ConfigError extends Error {
  override readonly name = "ConfigError";
}

export const INTERVAL_MIN_SECONDS = 5;
export const INTERVAL_MAX_SECONDS = 3_600;
/** Test knob: AIDEON_AGENT_ALLOW_FAST=1 lowers the interval's minimum to this, for tests and benchmarks. */
export const FAST_INTERVAL_MIN_SECONDS = 1;
export const ALLOW_FAST_ENV = "AIDEON_AGENT_ALLOW_FAST";
/** A day of samples at the default interval. */
export const DEFAULT_BUFFER_SIZE = 2_880;
export const BUFFER_SIZE_MAX = 100_000;
export const DEFAULT_TIMEOUT_SECONDS = 10;
export const TIMEOUT_MAX_SECONDS = 120;
const KEY_MAX_LENGTH = 4_096;

type ValueName = "endpoint" | "interval" | "hostId" | "process" | "bufferSize" | "timeout";
type KeyName = "key" | "keyFile";

export interface OptionSpec {
  flag: string;
  env: readonly string[];
  file: string;
  metavar: string;
  help: string;
}

/** In help order. The key has two forms (the key itself or a file holding it); see resolveKey. */
export const OPTIONS: Readonly<Record<ValueName | KeyName, OptionSpec>> = {
  endpoint: {
    flag: "endpoint",
    env: ["AIDEON_AGENT_ENDPOINT"],
    file: "endpoint",
    metavar: "URL",
    help: "URL of the ingestHostMetrics function. https, or http to localhost only. Required unless --dry-run.",
  },
  keyFile: {
    flag: "key-file",
    env: ["AIDEON_AGENT_KEY_FILE"],
    file: "key_file",
    metavar: "PATH",
    help: "File holding the agent key (surrounding whitespace ignored). Preferred: a --key shows in `ps`.",
  },
  key: {
    flag: "key",
    env: ["AIDEON_AGENT_KEY"],
    file: "key",
    metavar: "KEY",
    help: "The agent key itself. Required unless --dry-run; never logged, redacted in --dry-run output.",
  },
  interval: {
    flag: "interval",
    env: ["AIDEON_AGENT_INTERVAL", "PERFORMANCE_MONITORING_INTERVAL"],
    file: "interval_seconds",
    metavar: "SECONDS",
    help: `Seconds between samples, ${INTERVAL_MIN_SECONDS} to ${INTERVAL_MAX_SECONDS}. Default ${DEFAULT_AGENT_INTERVAL_SECONDS}.`,
  },
  hostId: {
    flag: "host-id",
    env: ["AIDEON_AGENT_HOST_ID"],
    file: "host_id",
    metavar: "ID",
    help: "Name of this host in aideon-perf: 1-128 of A-Z a-z 0-9 . _ -. Default the hostname.",
  },
  process: {
    flag: "process",
    env: ["AIDEON_AGENT_PROCESS"],
    file: "process",
    metavar: "PID|NAME",
    help: "A process to watch (memory and CPU), by pid or executable name (Linux). Default none.",
  },
  bufferSize: {
    flag: "buffer-size",
    env: ["AIDEON_AGENT_BUFFER_SIZE"],
    file: "buffer_size",
    metavar: "SAMPLES",
    help: `Unsent samples kept while the server is unreachable, 1 to ${BUFFER_SIZE_MAX}; the oldest go first. Default ${DEFAULT_BUFFER_SIZE}.`,
  },
  timeout: {
    flag: "timeout",
    env: ["AIDEON_AGENT_TIMEOUT"],
    file: "timeout_seconds",
    metavar: "SECONDS",
    help: `Seconds a push may take, 1 to ${TIMEOUT_MAX_SECONDS}. Default ${DEFAULT_TIMEOUT_SECONDS}.`,
  },
};

export const CONFIG_FILE_OPTION = { flag: "config", env: "AIDEON_AGENT_CONFIG" } as const;

/** A value and where it was given, for error messages. */
interface Given {
  value: unknown;
  where: string;
}

class Reason extends Error {}

export function resolveCommand(inputs: ConfigInputs): Command {
  const flags = parseFlags(inputs.argv);
  if (flags.help === true) return { kind: "help" };
  if (flags.version === true) return { kind: "version" };
  const once = flags.once === true;
  const dryRun = flags["dry-run"] === true;

  const file = readConfigFile(flags, inputs);
  const layers: Layer[] = [flagLayer(flags), envLayer(inputs.env), file];
  const pick = (name: ValueName | KeyName) => firstGiven(layers, name);
  const fast = inputs.env[ALLOW_FAST_ENV] === "1";

  const processTarget = optional(pick("process"), parseProcess);
  if (processTarget && inputs.platform !== "linux") {
    throw new ConfigError(
      `${pick("process")?.where}: watching a process reads /proc, which ${inputs.platform} does not have`,
    );
  }
  const config: AgentConfig = {
    endpoint: optional(pick("endpoint"), parseEndpoint),
    key: resolveKey(layers, inputs.readFile),
    intervalSeconds:
      optional(
        pick("interval"),
        whole(fast ? FAST_INTERVAL_MIN_SECONDS : INTERVAL_MIN_SECONDS, INTERVAL_MAX_SECONDS),
      ) ?? DEFAULT_AGENT_INTERVAL_SECONDS,
    hostId: resolveHostId(pick("hostId"), inputs.hostname),
    process: processTarget,
    bufferSize: optional(pick("bufferSize"), whole(1, BUFFER_SIZE_MAX)) ?? DEFAULT_BUFFER_SIZE,
    timeoutSeconds: optional(pick("timeout"), whole(1, TIMEOUT_MAX_SECONDS)) ?? DEFAULT_TIMEOUT_SECONDS,
    once,
    dryRun,
  };
  // Checked last, so a mistyped value is reported before a missing one.
  if (!dryRun && !config.endpoint) throw missing("endpoint");
  if (!dryRun && config.key === undefined) throw missing("key");
  return { kind: "run", config };
}

// ---------------------------------------------------------------------------------------------------
// Layers

type Layer = Partial<Record<ValueName | KeyName, Given>>;
type Flags = ReturnType<typeof parseFlags>;

function parseFlags(argv: readonly string[]) {
  const options = {
    config: { type: "string" },
    once: { type: "boolean" },
    "dry-run": { type: "boolean" },
    help: { type: "boolean", short: "h" },
    version: { type: "boolean" },
    ...Object.fromEntries(Object.values(OPTIONS).map((spec) => [spec.flag, { type: "string" }])),
  } as const;
  try {
    return parseArgs({ args: [...argv], options, strict: true, allowPositionals: false }).values as Record<
      string,
      string | boolean | undefined
    >;
  } catch (error) {
    throw new ConfigError(`${(error as Error).message} (aideon-perf-agent --help lists the options)`);
  }
}

function flagLayer(flags: Flags): Layer {
  const layer: Layer = {};
  for (const [name, spec] of entries(OPTIONS)) {
    const value = flags[spec.flag];
    if (value !== undefined) layer[name] = { value, where: `--${spec.flag}` };
  }
  return layer;
}

/** An empty variable counts as unset: unit files and shells often define them empty. */
function envLayer(env: ConfigInputs["env"]): Layer {
  const layer: Layer = {};
  for (const [name, spec] of entries(OPTIONS)) {
    const variable = spec.env.find((v) => env[v] !== undefined && env[v] !== "");
    if (variable) layer[name] = { value: env[variable], where: variable };
  }
  return layer;
}

function readConfigFile(flags: Flags, inputs: ConfigInputs): Layer {
  const fromFlag = flags[CONFIG_FILE_OPTION.flag];
  const path = typeof fromFlag === "string" ? fromFlag : inputs.env[CONFIG_FILE_OPTION.env] || undefined;
  if (path === undefined) return {};
  const where = `config file ${path}`;
  let text: string;
  try {
    text = inputs.readFile(path);
  } catch (error) {
    throw new ConfigError(
      `${where}: cannot be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`,
    );
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new ConfigError(`${where}: is not valid JSON (${(error as Error).message})`);
  }
  if (typeof json !== "object" || json === null || Array.isArray(json))
    throw new ConfigError(`${where}: must hold a JSON object`);
  const byKey = new Map(entries(OPTIONS).map(([name, spec]) => [spec.file, name]));
  const layer: Layer = {};
  for (const [key, value] of Object.entries(json)) {
    const name = byKey.get(key);
    if (!name)
      throw new ConfigError(`${where}: "${key}" is not an option (allowed: ${[...byKey.keys()].join(", ")})`);
    if (value !== null) layer[name] = { value, where: `${key} in ${where}` };
  }
  return layer;
}

function firstGiven(layers: readonly Layer[], name: ValueName | KeyName): Given | undefined {
  for (const layer of layers) if (layer[name]) return layer[name];
  return undefined;
}

function missing(name: "endpoint" | "key"): ConfigError {
  const forms = name === "key" ? [OPTIONS.key, OPTIONS.keyFile] : [OPTIONS.endpoint];
  const ways = forms.flatMap((spec) => [`--${spec.flag}`, ...spec.env, `"${spec.file}" in the config file`]);
  return new ConfigError(`${name} is required (unless --dry-run): give one of ${ways.join(", ")}`);
}

// ---------------------------------------------------------------------------------------------------
// Values

function optional<T>(given: Given | undefined, parse: (value: unknown) => T): T | undefined {
  if (!given) return undefined;
  try {
    return parse(given.value);
  } catch (error) {
    if (error instanceof Reason) throw new ConfigError(`${given.where}: ${error.message}`);
    throw error;
  }
}

const show = (value: unknown) => JSON.stringify(value) ?? String(value);

function whole(min: number, max: number) {
  return (raw: unknown): number => {
    const value = typeof raw === "string" && /^\s*\d+\s*$/.test(raw) ? Number(raw) : raw;
    if (typeof value !== "number" || !Number.isInteger(value) || value < min || value > max) {
      throw new Reason(`must be a whole number from ${min} to ${max}, not ${show(raw)}`);
    }
    return value;
  };
}

function text(raw: unknown): string {
  if (typeof raw !== "string") throw new Reason(`must be a string, not ${show(raw)}`);
  if (raw.trim() === "") throw new Reason("must not be empty");
  return raw.trim();
}

const LOOPBACK_HOSTS = new Set(["localhost", "[::1]"]);

function parseEndpoint(raw: unknown): URL {
  const value = text(raw);
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new Reason(
      `must be an absolute URL such as https://us-central1-PROJECT.cloudfunctions.net/ingestHostMetrics, not ${show(value)}`,
    );
  }
  if (url.username || url.password)
    throw new Reason("must not hold credentials: give the agent key with --key-file or --key");
  const loopback = LOOPBACK_HOSTS.has(url.hostname) || /^127\.\d+\.\d+\.\d+$/.test(url.hostname);
  if (url.protocol !== "https:" && !(url.protocol === "http:" && loopback)) {
    throw new Reason(
      `must be an https:// URL (http:// only to localhost: the key would travel in clear), not ${show(value)}`,
    );
  }
  return url;
}

function parseProcess(raw: unknown): ProcessTarget {
  if (typeof raw === "number") return { pid: whole(1, 2 ** 31 - 1)(raw) };
  const value = text(raw);
  if (/^\d+$/.test(value)) return { pid: whole(1, 2 ** 31 - 1)(value) };
  if (value.length > PROCESS_NAME_MAX_LENGTH || value.includes("/")) {
    throw new Reason(
      `must be a pid or an executable name (no /, at most ${PROCESS_NAME_MAX_LENGTH} characters), not ${show(value)}`,
    );
  }
  return { name: value };
}

/** The rules of the core's hostIdSchema (config.test.ts holds the two to the same answers). */
function resolveHostId(given: Given | undefined, hostname: string): string {
  const candidate = given ?? { value: hostname, where: `host id (default: the hostname ${show(hostname)})` };
  return optional(candidate, (raw) => {
    const value = text(raw);
    const valid =
      value.length <= HOST_ID_MAX_LENGTH &&
      /^[A-Za-z0-9._-]+$/.test(value) &&
      value !== "." &&
      value !== ".." &&
      !/^__.*__$/.test(value);
    if (valid) return value;
    const fix = given ? "" : `; give --${OPTIONS.hostId.flag}`;
    throw new Reason(
      `must be 1 to ${HOST_ID_MAX_LENGTH} of A-Z a-z 0-9 . _ -, not . or .. or __id__, not ${show(value)}${fix}`,
    );
  }) as string;
}

/**
 * The key comes from the highest layer that gives it in either form; one layer giving both forms is
 * ambiguous. Messages never include the key.
 */
function resolveKey(layers: readonly Layer[], readFile: ConfigInputs["readFile"]): string | undefined {
  for (const layer of layers) {
    const { key, keyFile } = layer;
    if (key && keyFile)
      throw new ConfigError(`${key.where} and ${keyFile.where}: give the key one way, not both`);
    if (keyFile) return checkKey(readKeyFile(keyFile, readFile), `the key in ${keyFile.where}`);
    if (key) {
      if (typeof key.value !== "string") throw new ConfigError(`${key.where}: must be a string`);
      return checkKey(key.value.trim(), key.where);
    }
  }
  return undefined;
}

function readKeyFile(given: Given, readFile: ConfigInputs["readFile"]): string {
  const path = optional(given, text) as string;
  try {
    return readFile(path).trim();
  } catch (error) {
    throw new ConfigError(
      `${given.where} ${show(path)}: cannot be read (${(error as NodeJS.ErrnoException).code ?? "error"})`,
    );
  }
}

function checkKey(key: string, where: string): string {
  if (key.length === 0) throw new ConfigError(`${where}: is empty`);
  if (key.length > KEY_MAX_LENGTH || !/^[\x21-\x7e]+$/.test(key)) {
    throw new ConfigError(
      `${where}: must be 1 to ${KEY_MAX_LENGTH} visible ASCII characters without spaces (not shown)`,
    );
  }
  return key;
}

const entries = <K extends string, V>(record: Readonly<Record<K, V>>) => Object.entries(record) as [K, V][];
