import assert from "node:assert/strict";
import {
  DEFAULT_AGENT_INTERVAL_SECONDS,
  HOST_METRICS_MAX_BODY_BYTES,
  MAX_MOUNTS_PER_SAMPLE,
  MAX_SAMPLES_PER_PUSH,
  ValidationError,
  hostMetricsPushRequestSchema,
  hostMetricsPushResponseSchema,
  hostSampleSchema,
  parseRequest,
  type HostMetricsPushRequest,
  type HostSample,
} from "../src";

const MAX_SAFE = Number.MAX_SAFE_INTEGER;

function sample(index = 0): HostSample {
  return {
    sample_id: `sample-${index}`,
    timestamp: "2024-12-06T14:30:22Z",
    cpu: { percent: 45.2, count: 8, load_average: [1.5, 1.2, 0.9] },
    memory: { percent: 62.8, available_bytes: 2_147_483_648, total_bytes: 8_589_934_592 },
    disk: {
      percent: 78.1,
      free_bytes: 107_374_182_400,
      total_bytes: 536_870_912_000,
      mounts: [{ mount: "/", percent: 78.1, free_bytes: 107_374_182_400, total_bytes: 536_870_912_000 }],
    },
    network: {
      bytes_sent: 1_048_576_000,
      bytes_received: 2_097_152_000,
      sent_per_second: 1024.5,
      received_per_second: 0,
    },
    process: { pid: 4242, name: "node", memory_bytes: 134_217_728, cpu_percent: 12.5 },
    host: {
      hostname: "web-1",
      os: "Debian GNU/Linux 12",
      platform: "linux",
      release: "6.1.0-18-amd64",
      arch: "x64",
      uptime_seconds: 86_400,
    },
  };
}

function request(samples = [sample()]): HostMetricsPushRequest {
  return {
    host_id: "web-1",
    agent: { version: "0.1.0", dropped_samples: 0, buffered: samples.length },
    samples,
  };
}

/** A copy of `value` with the dotted path (numbers index arrays) set, or deleted for `undefined`. */
function withValue<T>(value: T, path: string, replacement: unknown): T {
  const copy = structuredClone(value) as Record<string, unknown>;
  const keys = path.split(".");
  const last = keys.pop() as string;
  let target = copy as Record<string, unknown>;
  for (const key of keys) target = target[key] as Record<string, unknown>;
  if (replacement === undefined) delete target[last];
  else target[last] = replacement;
  return copy as T;
}

/** The field a request is rejected for, undefined if it is accepted; the reason must be plain English. */
function fieldOf(data: unknown): string | undefined {
  try {
    parseRequest(hostMetricsPushRequestSchema, data);
    return undefined;
  } catch (error) {
    assert.ok(error instanceof ValidationError);
    assert.doesNotMatch(error.message, /Too big|Too small|Invalid|expected/, "a zod default message leaked");
    return error.field;
  }
}

const S = "samples.0";
const text = (length: number, char = "a") => char.repeat(length);
const fieldPath = (path: string) => path.replace(/\.(\d+)/g, "[$1]");

/** [path, value, accepted]: every bound on both sides. */
const BOUNDS: [string, unknown, boolean][] = [
  ["host_id", "", false],
  ["host_id", text(128), true],
  ["host_id", text(129), false],
  ["host_id", "web-1.eu_west", true],
  ["host_id", "web 1", false],
  ["host_id", "a/b", false],
  ["host_id", ".", false],
  ["host_id", "..", false],
  ["host_id", "__web__", false],
  ["agent.version", "", false],
  ["agent.version", text(253), true],
  ["agent.version", text(254), false],
  ["agent.dropped_samples", 0, true],
  ["agent.dropped_samples", -1, false],
  ["agent.dropped_samples", 1.5, false],
  ["agent.dropped_samples", MAX_SAFE, true],
  ["agent.dropped_samples", MAX_SAFE + 1, false],
  ["agent.buffered", -1, false],
  ["agent.buffered", MAX_SAFE, true],
  [`${S}.sample_id`, "", false],
  [`${S}.sample_id`, text(128), true],
  [`${S}.sample_id`, text(129), false],
  [`${S}.sample_id`, "0b9f6c1e-4a5d-4c1b-9f0e-2d3c4b5a6978", true],
  [`${S}.sample_id`, "a.b", false],
  [`${S}.sample_id`, "__x__", false],
  [`${S}.timestamp`, "2024-12-06T14:30:22.123456789Z", true],
  [`${S}.timestamp`, "2024-12-06T14:30:22+01:00", false],
  [`${S}.timestamp`, "2024-12-06T14:30Z", false],
  [`${S}.timestamp`, "2024-12-06 14:30:22Z", false],
  [`${S}.timestamp`, "2023-02-29T00:00:00Z", false],
  [`${S}.timestamp`, "2024-02-29T00:00:00Z", true],
  [`${S}.timestamp`, "1999-12-31T23:59:59Z", false],
  [`${S}.timestamp`, "2000-01-01T00:00:00Z", true],
  [`${S}.timestamp`, "2100-01-01T00:00:00Z", true],
  [`${S}.timestamp`, "2100-01-01T00:00:00.001Z", false],
  [`${S}.timestamp`, 1_733_495_422_000, false],
  [`${S}.cpu.percent`, -0.01, false],
  [`${S}.cpu.percent`, 0, true],
  [`${S}.cpu.percent`, 100, true],
  [`${S}.cpu.percent`, 100.01, false],
  [`${S}.cpu.percent`, Number.NaN, false],
  [`${S}.cpu.percent`, Number.POSITIVE_INFINITY, false],
  [`${S}.cpu.count`, 0, false],
  [`${S}.cpu.count`, 1, true],
  [`${S}.cpu.count`, 65_536, true],
  [`${S}.cpu.count`, 65_537, false],
  [`${S}.cpu.count`, 1.5, false],
  [`${S}.cpu.load_average`, [1, 2], false],
  [`${S}.cpu.load_average`, [1, 2, 3, 4], false],
  [`${S}.cpu.load_average`, [0, 0, 0], true],
  [`${S}.cpu.load_average.1`, -0.01, false],
  [`${S}.memory.percent`, -0.01, false],
  [`${S}.memory.percent`, 100.01, false],
  [`${S}.memory.available_bytes`, -1, false],
  [`${S}.memory.available_bytes`, 1.5, false],
  [`${S}.memory.available_bytes`, 8_589_934_592, true],
  [`${S}.memory.available_bytes`, 8_589_934_593, false],
  [`${S}.memory.total_bytes`, MAX_SAFE + 1, false],
  [`${S}.disk.percent`, -0.01, false],
  [`${S}.disk.percent`, 100.01, false],
  [`${S}.disk.free_bytes`, -1, false],
  [`${S}.disk.free_bytes`, 536_870_912_000, true],
  [`${S}.disk.free_bytes`, 536_870_912_001, false],
  [`${S}.disk.total_bytes`, 1.5, false],
  [`${S}.disk.mounts`, [], true],
  [`${S}.disk.mounts.0.mount`, "", false],
  [`${S}.disk.mounts.0.mount`, `/${text(127)}`, true],
  [`${S}.disk.mounts.0.mount`, `/${text(128)}`, false],
  [`${S}.disk.mounts.0.percent`, 100.01, false],
  [`${S}.disk.mounts.0.free_bytes`, 536_870_912_001, false],
  [`${S}.disk.mounts.0.total_bytes`, -1, false],
  [`${S}.network.bytes_sent`, -1, false],
  [`${S}.network.bytes_sent`, MAX_SAFE, true],
  [`${S}.network.bytes_received`, 1.5, false],
  [`${S}.network.sent_per_second`, -0.01, false],
  [`${S}.network.received_per_second`, 12.34, true],
  [`${S}.process`, undefined, true],
  [`${S}.process.pid`, 0, false],
  [`${S}.process.pid`, 1, true],
  [`${S}.process.pid`, 2 ** 31 - 1, true],
  [`${S}.process.pid`, 2 ** 31, false],
  [`${S}.process.name`, "", false],
  [`${S}.process.name`, text(128), true],
  [`${S}.process.name`, text(129), false],
  [`${S}.process.memory_bytes`, -1, false],
  [`${S}.process.cpu_percent`, -0.01, false],
  [`${S}.process.cpu_percent`, 800, true],
  [`${S}.process.cpu_percent`, 800.01, false],
  [`${S}.host.hostname`, "", false],
  [`${S}.host.hostname`, text(253), true],
  [`${S}.host.hostname`, text(254), false],
  [`${S}.host.os`, text(254), false],
  [`${S}.host.platform`, text(32), true],
  [`${S}.host.platform`, text(33), false],
  [`${S}.host.release`, "", false],
  [`${S}.host.arch`, text(33), false],
  [`${S}.host.uptime_seconds`, -1, false],
  [`${S}.host.uptime_seconds`, 0.5, true],
];

/** Each object is strict: an unknown field is rejected by name. */
const STRICT_OBJECTS = [
  "",
  "agent",
  S,
  `${S}.cpu`,
  `${S}.memory`,
  `${S}.disk`,
  `${S}.disk.mounts.0`,
  `${S}.network`,
  `${S}.process`,
  `${S}.host`,
];

describe("host metrics wire schema", () => {
  it("has the documented constants", () => {
    assert.equal(DEFAULT_AGENT_INTERVAL_SECONDS, 30);
    assert.equal(MAX_SAMPLES_PER_PUSH, 100);
    assert.equal(MAX_MOUNTS_PER_SAMPLE, 32);
  });

  it("accepts a full request and returns it unchanged", () => {
    assert.deepEqual(parseRequest(hostMetricsPushRequestSchema, request()), request());
  });

  describe("bounds", () => {
    for (const [path, value, accepted] of BOUNDS) {
      const shown =
        typeof value === "string" && value.length > 20
          ? `${value.length} characters`
          : (JSON.stringify(value) ?? "absent");
      it(`${accepted ? "accepts" : "rejects"} ${path} = ${shown}`, () => {
        const field = fieldOf(withValue(request(), path, value));
        if (accepted) assert.equal(field, undefined);
        // The error names the field (a cross-field rule names the field it constrains).
        else assert.equal(field, fieldPath(path));
      });
    }
  });

  describe("required fields", () => {
    for (const path of [
      "host_id",
      "agent",
      "samples",
      `${S}.sample_id`,
      `${S}.timestamp`,
      `${S}.cpu`,
      `${S}.disk.mounts`,
      `${S}.host`,
      `${S}.network.sent_per_second`,
    ]) {
      it(`requires ${path}`, () =>
        assert.equal(fieldOf(withValue(request(), path, undefined)), fieldPath(path)));
    }
  });

  describe("strict objects", () => {
    for (const path of STRICT_OBJECTS) {
      it(`rejects an unknown field in ${path || "the request"}`, () => {
        const extra = path ? `${path}.extra` : "extra";
        assert.equal(fieldOf(withValue(request(), extra, 1)), fieldPath(extra));
      });
    }
  });

  describe("batch", () => {
    const samples = (count: number) => Array.from({ length: count }, (_, i) => sample(i));

    it("rejects an empty batch", () => assert.equal(fieldOf(request([])), "samples"));
    it(`accepts ${MAX_SAMPLES_PER_PUSH} samples and rejects ${MAX_SAMPLES_PER_PUSH + 1}`, () => {
      assert.equal(fieldOf(request(samples(MAX_SAMPLES_PER_PUSH))), undefined);
      assert.equal(fieldOf(request(samples(MAX_SAMPLES_PER_PUSH + 1))), "samples");
    });
    it("rejects a repeated sample_id", () =>
      assert.equal(fieldOf(request([sample(1), sample(2), sample(1)])), "samples"));
    it(`accepts ${MAX_MOUNTS_PER_SAMPLE} mounts and rejects ${MAX_MOUNTS_PER_SAMPLE + 1}`, () => {
      const mounts = (count: number) =>
        Array.from({ length: count }, (_, i) => ({ ...sample().disk.mounts[0], mount: `/m${i}` }));
      assert.equal(
        fieldOf(withValue(request(), `${S}.disk.mounts`, mounts(MAX_MOUNTS_PER_SAMPLE))),
        undefined,
      );
      assert.equal(
        fieldOf(withValue(request(), `${S}.disk.mounts`, mounts(MAX_MOUNTS_PER_SAMPLE + 1))),
        "samples[0].disk.mounts",
      );
    });
  });

  it(`keeps the largest valid request under HOST_METRICS_MAX_BODY_BYTES (${HOST_METRICS_MAX_BODY_BYTES})`, () => {
    const big = (index: number): HostSample => ({
      sample_id: String(index).padStart(128, "x"),
      timestamp: "2024-12-06T14:30:22.123456789Z",
      cpu: {
        percent: 33.333333333333336,
        count: 65_536,
        load_average: [1.7976931348623157e308, 1.7976931348623157e308, 1.7976931348623157e308],
      },
      memory: { percent: 33.333333333333336, available_bytes: MAX_SAFE, total_bytes: MAX_SAFE },
      disk: {
        percent: 33.333333333333336,
        free_bytes: MAX_SAFE,
        total_bytes: MAX_SAFE,
        mounts: Array.from({ length: MAX_MOUNTS_PER_SAMPLE }, (_, i) => ({
          mount: `/${String(i).padStart(127, "m")}`,
          percent: 33.333333333333336,
          free_bytes: MAX_SAFE,
          total_bytes: MAX_SAFE,
        })),
      },
      network: {
        bytes_sent: MAX_SAFE,
        bytes_received: MAX_SAFE,
        sent_per_second: 1.7976931348623157e308,
        received_per_second: 1.7976931348623157e308,
      },
      process: { pid: 2 ** 31 - 1, name: text(128), memory_bytes: MAX_SAFE, cpu_percent: 33.333333333333336 },
      host: {
        hostname: text(253),
        os: text(253),
        platform: text(32),
        release: text(253),
        arch: text(32),
        uptime_seconds: 1.7976931348623157e308,
      },
    });
    const largest: HostMetricsPushRequest = {
      host_id: text(128),
      agent: { version: text(253), dropped_samples: MAX_SAFE, buffered: MAX_SAFE },
      samples: Array.from({ length: MAX_SAMPLES_PER_PUSH }, (_, i) => big(i)),
    };
    assert.equal(fieldOf(largest), undefined);
    const bytes = Buffer.byteLength(JSON.stringify(largest));
    assert.ok(bytes <= HOST_METRICS_MAX_BODY_BYTES, `${bytes} bytes`);
  });

  it("holds the contract's system-metrics `metrics` object: the sample minus sample_id, host, mounts, rates and load", () => {
    const source = {
      timestamp: "2024-12-06T14:30:22Z",
      cpu: { percent: 45.2, count: 8 },
      memory: { percent: 62.8, available_bytes: 2147483648, total_bytes: 8589934592 },
      disk: { percent: 78.1, free_bytes: 107374182400, total_bytes: 536870912000 },
      network: { bytes_sent: 1048576000, bytes_received: 2097152000 },
      process: { memory_bytes: 134217728, cpu_percent: 12.5 },
    };
    const rest = sample();
    const projected = {
      timestamp: rest.timestamp,
      memory: rest.memory,
      cpu: { percent: rest.cpu.percent, count: rest.cpu.count },
      disk: {
        percent: rest.disk.percent,
        free_bytes: rest.disk.free_bytes,
        total_bytes: rest.disk.total_bytes,
      },
      network: { bytes_sent: rest.network.bytes_sent, bytes_received: rest.network.bytes_received },
      process: { memory_bytes: rest.process?.memory_bytes, cpu_percent: rest.process?.cpu_percent },
    };
    assert.deepEqual(projected, source);
    assert.doesNotThrow(() => parseRequest(hostSampleSchema, sample()));
  });

  describe("push response", () => {
    it("accepts {success: true, accepted, duplicates}", () => {
      assert.deepEqual(
        parseRequest(hostMetricsPushResponseSchema, { success: true, accepted: 3, duplicates: 1 }),
        {
          success: true,
          accepted: 3,
          duplicates: 1,
        },
      );
    });
    for (const [field, value] of [
      ["success", false],
      ["accepted", -1],
      ["accepted", 1.5],
      ["duplicates", -1],
      ["duplicates", MAX_SAFE + 1],
      ["extra", 1],
    ] as const) {
      it(`rejects ${field} = ${value}`, () => {
        assert.throws(
          () =>
            parseRequest(hostMetricsPushResponseSchema, {
              success: true,
              accepted: 3,
              duplicates: 1,
              [field]: value,
            }),
          (error: unknown) => error instanceof ValidationError && error.field === field,
        );
      });
    }
  });
});
