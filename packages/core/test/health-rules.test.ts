import assert from "node:assert/strict";
import {
  DEFAULT_HEALTH_CONFIG,
  ValidationError,
  effectiveHealthConfig,
  evaluateHealth,
  healthConfigOverridesSchema,
  healthConfigSchema,
  parseRequest,
  type HealthConfig,
  type HealthInputs,
  type HostHealthInput,
  type TypeLatencyInput,
} from "../src";

const NOW = Date.parse("2024-12-06T14:30:22Z");

const host = (overrides: Partial<HostHealthInput> = {}): HostHealthInput => ({
  host_id: "web-1",
  last_seen_ms: NOW - 10_000,
  interval_seconds: 30,
  cpu_percent: 10,
  memory_percent: 10,
  disk_percent: 10,
  mounts: [],
  ...overrides,
});

const inputs = (overrides: Partial<HealthInputs> = {}): HealthInputs => ({
  hosts: [],
  slow_operations_last_hour: 0,
  latency: [],
  dead_letters: 0,
  ...overrides,
});

const latency = (
  hourCount: number,
  hourP95: number | null,
  baselineP95: number | null,
): TypeLatencyInput => ({
  trace_type: "HTTP_REQUEST",
  hour: { count: hourCount, p95: hourP95 },
  baseline: { count: hourCount + 1000, p95: baselineP95 },
});

const evaluate = (i: HealthInputs, config: HealthConfig = DEFAULT_HEALTH_CONFIG, nowMs = NOW) =>
  evaluateHealth(i, config, nowMs);
const onlyFinding = (i: HealthInputs, config?: HealthConfig, nowMs?: number) => {
  const { findings } = evaluate(i, config, nowMs);
  assert.equal(findings.length, 1, JSON.stringify(findings));
  return findings[0]!;
};

describe("health rules", () => {
  describe("defaults", () => {
    it("are the documented values and valid", () => {
      assert.deepEqual(DEFAULT_HEALTH_CONFIG, {
        cpu_percent: { warning: 80, critical: 95 },
        memory_percent: { warning: 85, critical: 95 },
        disk_percent: { warning: 90, critical: 97 },
        slow_operations_per_hour: 10,
        host_silent_intervals: 3,
        p95_regression_ratio: 1.5,
        p95_regression_min_traces: 20,
        alert_hold_seconds: 120,
      });
      assert.deepEqual(healthConfigSchema.parse(DEFAULT_HEALTH_CONFIG), DEFAULT_HEALTH_CONFIG);
      assert.ok(Object.isFrozen(DEFAULT_HEALTH_CONFIG) && Object.isFrozen(DEFAULT_HEALTH_CONFIG.cpu_percent));
    });

    it("nothing to report is healthy", () => {
      assert.deepEqual(evaluate(inputs({ hosts: [host()] })), {
        status: "healthy",
        issues: [],
        findings: [],
      });
      assert.deepEqual(evaluate(inputs()), { status: "healthy", issues: [], findings: [] });
    });
  });

  for (const [rule, field, what, levels] of [
    ["cpu", "cpu_percent", "CPU", DEFAULT_HEALTH_CONFIG.cpu_percent],
    ["memory", "memory_percent", "memory", DEFAULT_HEALTH_CONFIG.memory_percent],
    ["disk", "disk_percent", "disk", DEFAULT_HEALTH_CONFIG.disk_percent],
  ] as const) {
    describe(`${rule} (warning above ${levels.warning}%, critical above ${levels.critical}%)`, () => {
      const at = (value: number) => evaluate(inputs({ hosts: [host({ [field]: value })] }));

      it("is quiet at the warning level itself", () => {
        assert.equal(at(levels.warning).status, "healthy");
      });

      it("warns just above it, naming the host and the value", () => {
        const result = at(levels.warning + 0.1);
        assert.equal(result.status, "warning");
        assert.deepEqual(result.findings, [
          {
            rule,
            subject: "web-1",
            severity: "warning",
            message: `High ${what} usage: ${(levels.warning + 0.1).toFixed(1)}% on web-1`,
            value: levels.warning + 0.1,
            threshold: levels.warning,
          },
        ]);
      });

      it("is still a warning at the critical level, critical just above it", () => {
        assert.equal(at(levels.critical).status, "warning");
        const result = at(levels.critical + 0.1);
        assert.equal(result.status, "critical");
        assert.equal(result.findings[0]!.severity, "critical");
        assert.equal(result.findings[0]!.threshold, levels.critical);
        assert.equal(
          result.issues[0],
          `Critical ${what} usage: ${(levels.critical + 0.1).toFixed(1)}% on web-1`,
        );
      });
    });
  }

  it('phrases CPU as the contract does: "High CPU usage: 85.2%", then the host', () => {
    assert.deepEqual(evaluate(inputs({ hosts: [host({ cpu_percent: 85.2 })] })).issues, [
      "High CPU usage: 85.2% on web-1",
    ]);
  });

  describe("disk: the fullest filesystem counts", () => {
    it("names a mount fuller than the root", () => {
      const f = onlyFinding(
        inputs({
          hosts: [
            host({
              disk_percent: 50,
              mounts: [
                { mount: "/", percent: 50 },
                { mount: "/data", percent: 93.5 },
              ],
            }),
          ],
        }),
      );
      assert.equal(f.message, "High disk usage: 93.5% on web-1 (/data)");
      assert.equal(f.value, 93.5);
    });

    it("names no mount when the root is the fullest, or as full as the fullest mount", () => {
      assert.equal(
        onlyFinding(inputs({ hosts: [host({ disk_percent: 91, mounts: [{ mount: "/", percent: 91 }] })] }))
          .message,
        "High disk usage: 91.0% on web-1",
      );
      assert.equal(
        onlyFinding(
          inputs({ hosts: [host({ disk_percent: 91, mounts: [{ mount: "/boot", percent: 40 }] })] }),
        ).message,
        "High disk usage: 91.0% on web-1",
      );
    });
  });

  describe("host_silent (no sample for more than 3 intervals)", () => {
    const silentFor = (seconds: number, extra: Partial<HostHealthInput> = {}) =>
      evaluate(inputs({ hosts: [host({ last_seen_ms: NOW - seconds * 1000, ...extra })] }));

    it("is quiet at exactly 3 intervals", () => {
      assert.equal(silentFor(90).status, "healthy");
    });

    it("warns just after, naming the host, the silence and the intervals missed", () => {
      const result = silentFor(90.001);
      assert.equal(result.status, "warning");
      assert.equal(result.findings[0]!.rule, "host_silent");
      assert.equal(result.findings[0]!.threshold, 90);
      assert.deepEqual(silentFor(95).issues, [
        "Host web-1 stopped reporting (no sample for 95 s, 3 intervals)",
      ]);
      assert.deepEqual(silentFor(3600).issues, [
        "Host web-1 stopped reporting (no sample for 3600 s, 120 intervals)",
      ]);
    });

    it("uses each host's own interval", () => {
      assert.equal(silentFor(100, { interval_seconds: 60 }).status, "healthy");
      assert.equal(silentFor(181, { interval_seconds: 60 }).status, "warning");
    });

    it("ignores a silent host's stale sample: only the silence is reported", () => {
      const result = silentFor(200, { cpu_percent: 99, memory_percent: 99, disk_percent: 99 });
      assert.deepEqual(
        result.findings.map((f) => f.rule),
        ["host_silent"],
      );
      assert.equal(result.status, "warning");
    });

    it("treats a last_seen in the future (clock skew) as reporting", () => {
      assert.equal(silentFor(-60).status, "healthy");
    });
  });

  describe("slow_operations (more than 10 in the last hour)", () => {
    it("is quiet at 10 and warns at 11 in the contract's phrasing", () => {
      assert.equal(evaluate(inputs({ slow_operations_last_hour: 10 })).status, "healthy");
      const f = onlyFinding(inputs({ slow_operations_last_hour: 11 }));
      assert.deepEqual(f, {
        rule: "slow_operations",
        subject: "all",
        severity: "warning",
        message: "High number of slow operations: 11",
        value: 11,
        threshold: 10,
      });
      assert.deepEqual(evaluate(inputs({ slow_operations_last_hour: 15 })).issues, [
        "High number of slow operations: 15",
      ]);
    });
  });

  describe("dead_letters (any open one)", () => {
    it("is quiet at 0 and warns at 1, naming where to look", () => {
      assert.equal(evaluate(inputs({ dead_letters: 0 })).status, "healthy");
      assert.deepEqual(onlyFinding(inputs({ dead_letters: 1 })), {
        rule: "dead_letters",
        subject: "all",
        severity: "warning",
        message: "Aggregation work set aside: 1 open dead letter (perf_dead_letters)",
        value: 1,
        threshold: 0,
      });
    });
  });

  describe("p95_regression (hour p95 above 1.5 x the 24 h p95, at least 20 traces in the hour)", () => {
    it("warns naming the type and both values", () => {
      const f = onlyFinding(inputs({ latency: [latency(20, 2.1, 1.2)] }));
      assert.equal(f.message, "p95 regression for HTTP_REQUEST: 2.10 s vs baseline 1.20 s");
      assert.equal(f.subject, "HTTP_REQUEST");
      assert.equal(f.value, 2.1);
      assert.ok(Math.abs(f.threshold - 1.8) < 1e-12);
    });

    it("needs 20 traces in the hour", () => {
      assert.equal(evaluate(inputs({ latency: [latency(19, 2.1, 1.2)] })).status, "healthy");
    });

    it("is quiet at exactly 1.5 x and just above warns", () => {
      assert.equal(evaluate(inputs({ latency: [latency(50, 1.5, 1)] })).status, "healthy");
      assert.equal(evaluate(inputs({ latency: [latency(50, 1.5001, 1)] })).status, "warning");
    });

    it("is quiet without a p95 in either window", () => {
      assert.equal(evaluate(inputs({ latency: [latency(50, null, 1)] })).status, "healthy");
      assert.equal(evaluate(inputs({ latency: [latency(50, 3, null)] })).status, "healthy");
    });
  });

  describe("status and issue order", () => {
    it("lists issues by rule (CPU before slow operations, as the contract does)", () => {
      const result = evaluate(
        inputs({ hosts: [host({ cpu_percent: 85.2 })], slow_operations_last_hour: 15 }),
      );
      assert.deepEqual(result, {
        status: "warning",
        issues: ["High CPU usage: 85.2% on web-1", "High number of slow operations: 15"],
        findings: result.findings,
      });
    });

    it("is critical when any finding is, and orders subjects within a rule", () => {
      const result = evaluate(
        inputs({
          hosts: [
            host({ host_id: "web-2", cpu_percent: 81 }),
            host({ host_id: "web-1", cpu_percent: 99 }),
            host({ host_id: "db-1", memory_percent: 90 }),
          ],
          slow_operations_last_hour: 11,
        }),
      );
      assert.equal(result.status, "critical");
      assert.deepEqual(
        result.findings.map((f) => `${f.rule}:${f.subject}:${f.severity}`),
        ["cpu:web-1:critical", "cpu:web-2:warning", "memory:db-1:warning", "slow_operations:all:warning"],
      );
    });
  });

  describe("configuration", () => {
    const rejectsOverride = (data: unknown, field: string) =>
      assert.throws(
        () => parseRequest(healthConfigOverridesSchema, data),
        (e: unknown) => e instanceof ValidationError && e.field === field,
      );

    it("overrides change the rules", () => {
      const { config } = effectiveHealthConfig({
        cpu_percent: { warning: 50, critical: 60 },
        host_silent_intervals: 5,
        slow_operations_per_hour: 0,
      });
      assert.equal(evaluate(inputs({ hosts: [host({ cpu_percent: 55 })] }), config).status, "warning");
      assert.equal(evaluate(inputs({ hosts: [host({ cpu_percent: 61 })] }), config).status, "critical");
      assert.equal(
        evaluate(inputs({ hosts: [host({ last_seen_ms: NOW - 150_000 })] }), config).status,
        "healthy",
      );
      assert.equal(evaluate(inputs({ slow_operations_last_hour: 1 }), config).status, "warning");
      assert.equal(config.memory_percent.warning, 85, "settings not overridden keep their defaults");
    });

    it("falls back to the defaults, with the reason, when stored overrides are invalid", () => {
      const { config, error } = effectiveHealthConfig({ cpu_percent: { warning: 99, critical: 90 } });
      assert.deepEqual(config, DEFAULT_HEALTH_CONFIG);
      assert.match(error ?? "", /cpu_percent\.critical/);
      assert.deepEqual(effectiveHealthConfig(undefined), { config: DEFAULT_HEALTH_CONFIG });
    });

    it("validates overrides setting by setting, naming the field", () => {
      assert.deepEqual(
        parseRequest(healthConfigOverridesSchema, { cpu_percent: null, alert_hold_seconds: 0 }),
        { cpu_percent: null, alert_hold_seconds: 0 },
      );
      rejectsOverride({}, "(root)");
      rejectsOverride({ cpu_percent: { warning: 90, critical: 90 } }, "cpu_percent.critical");
      rejectsOverride({ disk_percent: { warning: 90, critical: 101 } }, "disk_percent.critical");
      rejectsOverride({ memory_percent: { warning: -1, critical: 90 } }, "memory_percent.warning");
      rejectsOverride({ p95_regression_ratio: 1 }, "p95_regression_ratio");
      rejectsOverride({ p95_regression_min_traces: 0 }, "p95_regression_min_traces");
      rejectsOverride({ host_silent_intervals: 0.5 }, "host_silent_intervals");
      rejectsOverride({ slow_operations_per_hour: 1.5 }, "slow_operations_per_hour");
      rejectsOverride({ alert_hold_seconds: 86_401 }, "alert_hold_seconds");
      rejectsOverride({ cpu: 1 }, "cpu");
    });
  });
});
