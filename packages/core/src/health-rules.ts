/**
 * Health rules: what makes the system `warning` or `critical`, as configuration with documented
 * defaults, and one pure function that evaluates them at a given time. The contract checks "cpu_percent
 * > 80" and "slow_ops > 10": every limit here is exceeded only when a value is strictly above it.
 *
 * Issue messages keep the contract's phrasing ("High CPU usage: 85.2%", "High number of slow operations:
 * 15") and always name the host a resource finding is about ("High CPU usage: 85.2% on web-1"), one
 * fleet or one host alike, so an issue means the same thing when a second host is added.
 */
import * as z from "zod";
import type { TraceType } from "./metric-types";
import { percent } from "./schema-blocks";

export const HEALTH_STATUSES = ["healthy", "warning", "critical"] as const;
export type HealthStatus = (typeof HEALTH_STATUSES)[number];
export const SEVERITIES = ["warning", "critical"] as const;
export type Severity = (typeof SEVERITIES)[number];

/** Rule ids, in the order their issues are listed (the contract lists CPU before slow operations). */
export const HEALTH_RULES = [
  "cpu",
  "memory",
  "disk",
  "host_silent",
  "slow_operations",
  "p95_regression",
  "dead_letters",
] as const;
export type HealthRule = (typeof HEALTH_RULES)[number];

export const DEFAULT_HEALTH_CONFIG: Readonly<HealthConfig> = Object.freeze({
  // The contract alerts above 80% CPU; 95% leaves no headroom for a burst.
  cpu_percent: Object.freeze({ warning: 80, critical: 95 }),
  // The contract alerts above 85% memory; past 95% the OOM killer or swapping is near.
  memory_percent: Object.freeze({ warning: 85, critical: 95 }),
  // Disks fill steadily: 90% is time to act, 97% is hours from writes failing.
  disk_percent: Object.freeze({ warning: 90, critical: 97 }),
  // The contract's "slow_ops > 10".
  slow_operations_per_hour: 10,
  // One missed push is jitter, three is an agent or a host that is gone.
  host_silent_intervals: 3,
  p95_regression_ratio: 1.5,
  p95_regression_min_traces: 20,
  // Two evaluations at the default one-minute schedule: a single spike does not page anyone.
  alert_hold_seconds: 120,
});

/** A percentage limit with two levels; each is exceeded when the value is strictly above it. */
const percentLevelsSchema = z
  .strictObject({ warning: percent, critical: percent })
  .refine((l) => l.warning < l.critical, { path: ["critical"], error: "must be greater than warning" });
export type PercentLevels = z.output<typeof percentLevelsSchema>;

/** One schema per setting, so that overrides are validated setting by setting and as a whole. */
const settingSchemas = {
  cpu_percent: percentLevelsSchema,
  memory_percent: percentLevelsSchema,
  disk_percent: percentLevelsSchema,
  /** Warning when more slow operations than this finished in the last hour. */
  slow_operations_per_hour: z.number().int().min(0).max(1_000_000),
  /** Warning when a host has sent nothing for more than this many of its own push intervals. */
  host_silent_intervals: z.number().min(1).max(1000),
  /** Warning when a type's p95 over the last hour is above this multiple of its 24 h p95... */
  p95_regression_ratio: z.number().gt(1, "must be greater than 1").max(1000),
  /** ...and at least this many of its traces finished in the last hour (fewer make a noisy p95). */
  p95_regression_min_traces: z.number().int().min(1).max(1_000_000),
  /** How long a finding must persist before its alert fires (0: at once). */
  alert_hold_seconds: z.number().int().min(0).max(86_400),
};

export const healthConfigSchema = z.strictObject(settingSchemas);
export type HealthConfig = z.output<typeof healthConfigSchema>;

/** Overrides as admins send them: any subset of the settings; null puts one back to its default. */
export const healthConfigOverridesSchema = z
  .strictObject(
    Object.fromEntries(
      Object.entries(settingSchemas).map(([key, schema]) => [key, schema.nullable().optional()]),
    ) as {
      [K in keyof typeof settingSchemas]: z.ZodOptional<z.ZodNullable<(typeof settingSchemas)[K]>>;
    },
  )
  .refine((o) => Object.keys(o).length > 0, "must name at least one setting");

export type HealthConfigOverrides = z.output<typeof healthConfigOverridesSchema>;

/** The defaults with stored overrides applied; `error` when the stored overrides are not valid. */
export function effectiveHealthConfig(overrides: unknown): { config: HealthConfig; error?: string } {
  if (overrides === undefined || overrides === null) return { config: { ...DEFAULT_HEALTH_CONFIG } };
  const parsed = healthConfigSchema.safeParse({ ...DEFAULT_HEALTH_CONFIG, ...(overrides as object) });
  return parsed.success
    ? { config: parsed.data }
    : { config: { ...DEFAULT_HEALTH_CONFIG }, error: z.prettifyError(parsed.error) };
}

// ---------------------------------------------------------------------------------------------------
// Inputs and results

export interface HostHealthInput {
  host_id: string;
  /** When the host's last push arrived (server time). */
  last_seen_ms: number;
  /** The host agent's push interval. */
  interval_seconds: number;
  cpu_percent: number;
  memory_percent: number;
  /** The root filesystem's used percent. */
  disk_percent: number;
  /** Every real filesystem: the fullest one counts. */
  mounts: ReadonlyArray<{ mount: string; percent: number }>;
}

/** A trace type's p95 over the last hour and over the last 24 h (its baseline), with trace counts. */
export interface TypeLatencyInput {
  trace_type: TraceType;
  hour: { count: number; p95: number | null };
  baseline: { count: number; p95: number | null };
}

export interface HealthInputs {
  hosts: readonly HostHealthInput[];
  /** Slow operations that finished in the last hour. */
  slow_operations_last_hour: number;
  latency: readonly TypeLatencyInput[];
  /** Aggregation work set aside (open dead letters: failed trigger events and folds); counted up to a bound. */
  dead_letters: number;
}

export interface HealthFinding {
  rule: HealthRule;
  /** What the finding is about: a host id, a trace type, or `all`. */
  subject: string;
  severity: Severity;
  message: string;
  value: number;
  threshold: number;
}

export interface HealthEvaluation {
  status: HealthStatus;
  /** The findings' messages, in rule order. */
  issues: string[];
  findings: HealthFinding[];
}

/** The subject of findings about the whole system rather than one host or type. */
export const ALL_SUBJECT = "all";

const pct = (value: number) => `${value.toFixed(1)}%`;
const seconds = (value: number) => `${value.toFixed(2)} s`;

/** Every issue message, as a named function (one wording per finding). */
export const healthMessages = {
  resource: (
    what: "CPU" | "memory" | "disk",
    severity: Severity,
    value: number,
    hostId: string,
    mount?: string,
  ) =>
    `${severity === "critical" ? "Critical" : "High"} ${what} usage: ${pct(value)} on ${hostId}${mount ? ` (${mount})` : ""}`,
  hostSilent: (hostId: string, silentSeconds: number, intervals: number) =>
    `Host ${hostId} stopped reporting (no sample for ${Math.round(silentSeconds)} s, ${intervals} intervals)`,
  slowOperations: (count: number) => `High number of slow operations: ${count}`,
  p95Regression: (traceType: string, p95: number, baseline: number) =>
    `p95 regression for ${traceType}: ${seconds(p95)} vs baseline ${seconds(baseline)}`,
  deadLetters: (count: number) =>
    `Aggregation work set aside: ${count} open dead letter${count === 1 ? "" : "s"} (perf_dead_letters)`,
};

function levelFinding(
  rule: "cpu" | "memory" | "disk",
  levels: PercentLevels,
  value: number,
  hostId: string,
  mount?: string,
): HealthFinding | undefined {
  const severity: Severity | undefined =
    value > levels.critical ? "critical" : value > levels.warning ? "warning" : undefined;
  if (!severity) return undefined;
  const what = rule === "cpu" ? "CPU" : rule;
  return {
    rule,
    subject: hostId,
    severity,
    message: healthMessages.resource(what, severity, value, hostId, mount),
    value,
    threshold: levels[severity],
  };
}

/** The fullest filesystem; a mount is named only when it is fuller than the root summary. */
function fullestDisk(host: HostHealthInput): { percent: number; mount?: string } {
  return host.mounts.reduce<{ percent: number; mount?: string }>(
    (fullest, m) => (m.percent > fullest.percent ? { percent: m.percent, mount: m.mount } : fullest),
    { percent: host.disk_percent },
  );
}

/** Silent hosts get one finding; their last sample is stale, so resource rules look at reporting hosts only. */
function hostFindings(host: HostHealthInput, config: HealthConfig, nowMs: number): HealthFinding[] {
  const silentSeconds = Math.max(0, (nowMs - host.last_seen_ms) / 1000);
  const limit = config.host_silent_intervals * host.interval_seconds;
  if (silentSeconds > limit) {
    return [
      {
        rule: "host_silent",
        subject: host.host_id,
        severity: "warning",
        message: healthMessages.hostSilent(
          host.host_id,
          silentSeconds,
          Math.floor(silentSeconds / host.interval_seconds),
        ),
        value: silentSeconds,
        threshold: limit,
      },
    ];
  }
  const disk = fullestDisk(host);
  return [
    levelFinding("cpu", config.cpu_percent, host.cpu_percent, host.host_id),
    levelFinding("memory", config.memory_percent, host.memory_percent, host.host_id),
    levelFinding("disk", config.disk_percent, disk.percent, host.host_id, disk.mount),
  ].filter((f): f is HealthFinding => f !== undefined);
}

function latencyFinding(input: TypeLatencyInput, config: HealthConfig): HealthFinding | undefined {
  const { hour, baseline } = input;
  if (hour.count < config.p95_regression_min_traces || hour.p95 === null || baseline.p95 === null)
    return undefined;
  const limit = baseline.p95 * config.p95_regression_ratio;
  if (!(hour.p95 > limit)) return undefined;
  return {
    rule: "p95_regression",
    subject: input.trace_type,
    severity: "warning",
    message: healthMessages.p95Regression(input.trace_type, hour.p95, baseline.p95),
    value: hour.p95,
    threshold: limit,
  };
}

const ruleOrder = (f: HealthFinding) => HEALTH_RULES.indexOf(f.rule);

/** Evaluates every rule at `nowMs`. Findings are ordered by rule, then subject, so results are stable. */
export function evaluateHealth(inputs: HealthInputs, config: HealthConfig, nowMs: number): HealthEvaluation {
  const findings: HealthFinding[] = inputs.hosts.flatMap((host) => hostFindings(host, config, nowMs));
  if (inputs.slow_operations_last_hour > config.slow_operations_per_hour) {
    findings.push({
      rule: "slow_operations",
      subject: ALL_SUBJECT,
      severity: "warning",
      message: healthMessages.slowOperations(inputs.slow_operations_last_hour),
      value: inputs.slow_operations_last_hour,
      threshold: config.slow_operations_per_hour,
    });
  }
  for (const input of inputs.latency) {
    const finding = latencyFinding(input, config);
    if (finding) findings.push(finding);
  }
  // Any dead letter means traces not (yet) in the statistics: always worth a look, never silent.
  if (inputs.dead_letters > 0) {
    findings.push({
      rule: "dead_letters",
      subject: ALL_SUBJECT,
      severity: "warning",
      message: healthMessages.deadLetters(inputs.dead_letters),
      value: inputs.dead_letters,
      threshold: 0,
    });
  }
  findings.sort(
    (a, b) => ruleOrder(a) - ruleOrder(b) || (a.subject < b.subject ? -1 : a.subject > b.subject ? 1 : 0),
  );
  const status: HealthStatus = findings.some((f) => f.severity === "critical")
    ? "critical"
    : findings.length > 0
      ? "warning"
      : "healthy";
  return { status, issues: findings.map((f) => f.message), findings };
}
