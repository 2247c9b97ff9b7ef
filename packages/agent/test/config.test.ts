import assert from "node:assert/strict";
import { hostIdSchema } from "@aideon-perf/core";
import {
  ConfigError,
  DEFAULT_BUFFER_SIZE,
  DEFAULT_TIMEOUT_SECONDS,
  resolveCommand,
  type AgentConfig,
  type ConfigInputs,
} from "../src/config";

const KEY = "ak_live_0123456789abcdef";
const ENDPOINT = "https://us-central1-demo.cloudfunctions.net/ingestHostMetrics";

interface Setup {
  argv?: string[];
  env?: Record<string, string>;
  files?: Record<string, string>;
  hostname?: string;
  platform?: string;
}

function inputs({
  argv = [],
  env = {},
  files = {},
  hostname = "web-1",
  platform = "linux",
}: Setup): ConfigInputs {
  return {
    argv,
    env,
    hostname,
    platform,
    readFile: (path) => {
      if (path in files) return files[path] as string;
      throw Object.assign(new Error(`ENOENT: ${path}`), { code: "ENOENT" });
    },
  };
}

function config(setup: Setup): AgentConfig {
  const command = resolveCommand(inputs(setup));
  assert.equal(command.kind, "run");
  return (command as { config: AgentConfig }).config;
}

/** The ConfigError message for a setup; it must never contain the key. */
function errorOf(setup: Setup): string {
  try {
    resolveCommand(inputs(setup));
  } catch (error) {
    assert.ok(error instanceof ConfigError, String(error));
    assert.ok(!error.message.includes(KEY), `the key leaked into: ${error.message}`);
    return error.message;
  }
  assert.fail("expected a ConfigError");
}

const minimal = ["--endpoint", ENDPOINT, "--key", KEY];
const file = (json: unknown) => ({ "/etc/agent.json": JSON.stringify(json) });

describe("agent config", () => {
  describe("defaults", () => {
    it("needs only endpoint and key; the rest has documented defaults", () => {
      assert.deepEqual(config({ argv: minimal }), {
        endpoint: new URL(ENDPOINT),
        key: KEY,
        intervalSeconds: 30,
        hostId: "web-1",
        process: undefined,
        bufferSize: DEFAULT_BUFFER_SIZE,
        timeoutSeconds: DEFAULT_TIMEOUT_SECONDS,
        once: false,
        dryRun: false,
      });
    });

    it("--dry-run needs neither endpoint nor key", () => {
      const dry = config({ argv: ["--dry-run", "--once"] });
      assert.equal(dry.endpoint, undefined);
      assert.equal(dry.key, undefined);
      assert.ok(dry.dryRun && dry.once);
    });

    it("help and version", () => {
      assert.deepEqual(resolveCommand(inputs({ argv: ["--help"] })), { kind: "help" });
      assert.deepEqual(resolveCommand(inputs({ argv: ["-h"] })), { kind: "help" });
      assert.deepEqual(resolveCommand(inputs({ argv: ["--version"] })), { kind: "version" });
    });
  });

  describe("precedence: flags > environment > config file > defaults", () => {
    const layered = (
      option: keyof AgentConfig,
      flag: string[],
      env: Record<string, string>,
      fileJson: Record<string, unknown>,
    ) => {
      const all = { argv: [...minimal, "--config", "/etc/agent.json", ...flag], env, files: file(fileJson) };
      const noFlag = { ...all, argv: [...minimal, "--config", "/etc/agent.json"] };
      const fileOnly = { ...noFlag, env: {} };
      return [
        config(all)[option],
        config(noFlag)[option],
        config(fileOnly)[option],
        config({ argv: minimal })[option],
      ];
    };

    it("interval", () => {
      assert.deepEqual(
        layered(
          "intervalSeconds",
          ["--interval", "10"],
          { AIDEON_AGENT_INTERVAL: "20" },
          { interval_seconds: 40 },
        ),
        [10, 20, 40, 30],
      );
    });

    it("honours the contract's PERFORMANCE_MONITORING_INTERVAL, below AIDEON_AGENT_INTERVAL", () => {
      assert.equal(
        config({ argv: minimal, env: { PERFORMANCE_MONITORING_INTERVAL: "15" } }).intervalSeconds,
        15,
      );
      assert.equal(
        config({ argv: minimal, env: { PERFORMANCE_MONITORING_INTERVAL: "15", AIDEON_AGENT_INTERVAL: "45" } })
          .intervalSeconds,
        45,
      );
    });

    it("host id", () => {
      assert.deepEqual(
        layered("hostId", ["--host-id", "flag"], { AIDEON_AGENT_HOST_ID: "env" }, { host_id: "file" }),
        ["flag", "env", "file", "web-1"],
      );
    });

    it("buffer size and timeout", () => {
      assert.deepEqual(
        layered("bufferSize", ["--buffer-size", "5"], { AIDEON_AGENT_BUFFER_SIZE: "6" }, { buffer_size: 7 }),
        [5, 6, 7, DEFAULT_BUFFER_SIZE],
      );
      assert.deepEqual(
        layered("timeoutSeconds", ["--timeout", "5"], { AIDEON_AGENT_TIMEOUT: "6" }, { timeout_seconds: 7 }),
        [5, 6, 7, DEFAULT_TIMEOUT_SECONDS],
      );
    });

    it("process", () => {
      assert.deepEqual(
        layered("process", ["--process", "42"], { AIDEON_AGENT_PROCESS: "nginx" }, { process: 7 }),
        [{ pid: 42 }, { name: "nginx" }, { pid: 7 }, undefined],
      );
    });

    it("endpoint", () => {
      const at = (host: string) => `https://${host}/ingestHostMetrics`;
      const setup = {
        argv: ["--key", KEY, "--config", "/etc/agent.json"],
        env: { AIDEON_AGENT_ENDPOINT: at("env") },
        files: file({ endpoint: at("file") }),
      };
      assert.equal(
        config({ ...setup, argv: [...setup.argv, "--endpoint", at("flag")] }).endpoint?.host,
        "flag",
      );
      assert.equal(config(setup).endpoint?.host, "env");
      assert.equal(config({ ...setup, env: {} }).endpoint?.host, "file");
    });

    it("key, in either form; the highest layer that gives it wins", () => {
      const files = { "/etc/agent.json": JSON.stringify({ key: "file-key" }), "/run/key": `${KEY}\n` };
      const base = { argv: ["--endpoint", ENDPOINT, "--config", "/etc/agent.json"], files };
      assert.equal(config(base).key, "file-key");
      assert.equal(config({ ...base, env: { AIDEON_AGENT_KEY_FILE: "/run/key" } }).key, KEY);
      assert.equal(config({ ...base, env: { AIDEON_AGENT_KEY: "env-key" } }).key, "env-key");
      assert.equal(
        config({
          ...base,
          argv: [...base.argv, "--key-file", "/run/key"],
          env: { AIDEON_AGENT_KEY: "env-key" },
        }).key,
        KEY,
      );
    });

    it("an empty environment variable counts as unset", () => {
      assert.equal(config({ argv: minimal, env: { AIDEON_AGENT_INTERVAL: "" } }).intervalSeconds, 30);
    });
  });

  describe("errors name the option where it was given", () => {
    it("interval out of range, per layer", () => {
      assert.equal(
        errorOf({ argv: [...minimal, "--interval", "4"] }),
        '--interval: must be a whole number from 5 to 3600, not "4"',
      );
      assert.equal(
        errorOf({ argv: [...minimal, "--interval", "3601"] }),
        '--interval: must be a whole number from 5 to 3600, not "3601"',
      );
      assert.match(
        errorOf({ argv: minimal, env: { AIDEON_AGENT_INTERVAL: "soon" } }),
        /^AIDEON_AGENT_INTERVAL: must be a whole number/,
      );
      assert.match(
        errorOf({ argv: minimal, env: { PERFORMANCE_MONITORING_INTERVAL: "2.5" } }),
        /^PERFORMANCE_MONITORING_INTERVAL: /,
      );
      assert.equal(
        errorOf({ argv: [...minimal, "--config", "/etc/agent.json"], files: file({ interval_seconds: 0 }) }),
        "interval_seconds in config file /etc/agent.json: must be a whole number from 5 to 3600, not 0",
      );
    });

    it("accepts the bounds, and 1 s only with the test knob AIDEON_AGENT_ALLOW_FAST=1", () => {
      assert.equal(config({ argv: [...minimal, "--interval", "5"] }).intervalSeconds, 5);
      assert.equal(config({ argv: [...minimal, "--interval", "3600"] }).intervalSeconds, 3600);
      assert.match(errorOf({ argv: [...minimal, "--interval", "1"] }), /from 5 to 3600/);
      assert.equal(
        config({ argv: [...minimal, "--interval", "1"], env: { AIDEON_AGENT_ALLOW_FAST: "1" } })
          .intervalSeconds,
        1,
      );
      assert.match(
        errorOf({ argv: [...minimal, "--interval", "0"], env: { AIDEON_AGENT_ALLOW_FAST: "1" } }),
        /from 1 to 3600/,
      );
    });

    it("buffer size and timeout bounds", () => {
      assert.match(
        errorOf({ argv: [...minimal, "--buffer-size", "0"] }),
        /^--buffer-size: must be a whole number from 1 to 100000/,
      );
      assert.equal(config({ argv: [...minimal, "--buffer-size", "100000"] }).bufferSize, 100_000);
      assert.match(
        errorOf({ argv: [...minimal, "--timeout", "121"] }),
        /^--timeout: must be a whole number from 1 to 120/,
      );
    });

    it("endpoint: absolute, https (http only to loopback), no credentials", () => {
      const withEndpoint = (url: string) => ["--key", KEY, "--endpoint", url];
      assert.match(
        errorOf({ argv: withEndpoint("example.com/ingest") }),
        /^--endpoint: must be an absolute URL/,
      );
      assert.match(
        errorOf({ argv: withEndpoint("http://example.com/ingest") }),
        /^--endpoint: must be an https:\/\/ URL/,
      );
      assert.match(
        errorOf({ argv: withEndpoint("ftp://localhost/x") }),
        /^--endpoint: must be an https:\/\/ URL/,
      );
      assert.match(
        errorOf({ argv: withEndpoint("https://user:pw@example.com/") }),
        /^--endpoint: must not hold credentials/,
      );
      for (const url of ["http://127.0.0.1:8080/x", "http://localhost/x", "http://[::1]:9/x"])
        assert.equal(config({ argv: withEndpoint(url) }).endpoint?.href, new URL(url).href);
    });

    it("endpoint and key are required without --dry-run, listing every way to give them", () => {
      assert.equal(
        errorOf({ argv: ["--key", KEY] }),
        'endpoint is required (unless --dry-run): give one of --endpoint, AIDEON_AGENT_ENDPOINT, "endpoint" in the config file',
      );
      assert.match(
        errorOf({ argv: ["--interval", "1"] }),
        /^--interval: /,
        "a bad value is reported before a missing one",
      );
      assert.match(
        errorOf({ argv: ["--endpoint", ENDPOINT] }),
        /^key is required \(unless --dry-run\): give one of --key, AIDEON_AGENT_KEY, "key" in the config file, --key-file, AIDEON_AGENT_KEY_FILE/,
      );
    });

    it("key: one form per layer, readable file, sane characters; the key is never shown", () => {
      assert.equal(
        errorOf({ argv: [...minimal, "--key-file", "/run/key"] }),
        "--key and --key-file: give the key one way, not both",
      );
      assert.equal(
        errorOf({ argv: ["--endpoint", ENDPOINT, "--key-file", "/nope"] }),
        '--key-file "/nope": cannot be read (ENOENT)',
      );
      assert.equal(
        errorOf({ argv: ["--endpoint", ENDPOINT, "--key-file", "/run/key"], files: { "/run/key": "\n" } }),
        "the key in --key-file: is empty",
      );
      assert.match(
        errorOf({ argv: ["--endpoint", ENDPOINT, "--key", `${KEY} ${KEY}`] }),
        /^--key: must be 1 to 4096 visible ASCII characters without spaces \(not shown\)$/,
      );
      assert.match(
        errorOf({ argv: ["--endpoint", ENDPOINT], env: { AIDEON_AGENT_KEY: `${KEY}\u00e9` } }),
        /^AIDEON_AGENT_KEY: must be/,
      );
    });

    it("host id: the hostname by default, with a hint when the hostname does not fit", () => {
      assert.equal(
        config({ argv: minimal, hostname: "ip-10-0-0-1.ec2.internal" }).hostId,
        "ip-10-0-0-1.ec2.internal",
      );
      assert.match(
        errorOf({ argv: minimal, hostname: "my host" }),
        /^host id \(default: the hostname "my host"\): must be 1 to 128 .*; give --host-id$/,
      );
      assert.match(errorOf({ argv: [...minimal, "--host-id", "a/b"] }), /^--host-id: must be 1 to 128 of/);
    });

    it("host id rules are the core's hostIdSchema", () => {
      for (const id of [
        "web-1",
        "a.b_c-d",
        "x".repeat(128),
        "x".repeat(129),
        ".",
        "..",
        "...",
        "__x__",
        "_x_",
        "a b",
        "a/b",
        "é",
        "-",
      ]) {
        const agentAccepts = (() => {
          try {
            return config({ argv: [...minimal, "--host-id", id] }).hostId === id;
          } catch {
            return false;
          }
        })();
        assert.equal(agentAccepts, hostIdSchema.safeParse(id).success, id);
      }
    });

    it("process: a pid or an executable name, and only where /proc exists", () => {
      assert.match(
        errorOf({ argv: [...minimal, "--process", "bin/node"] }),
        /^--process: must be a pid or an executable name/,
      );
      assert.match(
        errorOf({ argv: [...minimal, "--process", "0"] }),
        /^--process: must be a whole number from 1/,
      );
      assert.equal(
        errorOf({ argv: [...minimal, "--process", "node"], platform: "darwin" }),
        "--process: watching a process reads /proc, which darwin does not have",
      );
    });

    it("unknown flags and stray arguments", () => {
      assert.match(
        errorOf({ argv: [...minimal, "--intervall", "5"] }),
        /'--intervall'.*--help lists the options/,
      );
      assert.match(errorOf({ argv: [...minimal, "extra"] }), /extra/);
      assert.match(errorOf({ argv: [...minimal, "--interval"] }), /--interval/);
    });

    it("config file: readable, JSON, an object, known keys only", () => {
      const withFile = (files: Record<string, string>) => ({
        argv: [...minimal, "--config", "/etc/agent.json"],
        files,
      });
      assert.equal(errorOf(withFile({})), "config file /etc/agent.json: cannot be read (ENOENT)");
      assert.match(
        errorOf(withFile({ "/etc/agent.json": '{"interval_seconds": 5,' })),
        /^config file \/etc\/agent.json: is not valid JSON/,
      );
      assert.equal(
        errorOf(withFile({ "/etc/agent.json": "[1]" })),
        "config file /etc/agent.json: must hold a JSON object",
      );
      assert.match(
        errorOf(withFile(file({ intervall: 5 }))),
        /^config file \/etc\/agent.json: "intervall" is not an option \(allowed: endpoint, key_file, key, interval_seconds,/,
      );
      assert.equal(
        errorOf(withFile(file({ host_id: 7 }))),
        "host_id in config file /etc/agent.json: must be a string, not 7",
      );
      assert.equal(
        config({
          argv: minimal,
          env: { AIDEON_AGENT_CONFIG: "/etc/agent.json" },
          files: file({ interval_seconds: 60 }),
        }).intervalSeconds,
        60,
      );
    });
  });
});
