/**
 * The host-metrics contract's bounds and defaults (host-metrics.ts holds its schemas). Plain constants
 * with no imports, so the agent takes them (`@aideon-perf/core/host-limits`) without zod.
 */

/** The agent's default push interval: the contract's PERFORMANCE_MONITORING_INTERVAL=30. */
export const DEFAULT_AGENT_INTERVAL_SECONDS = 30;
/** Samples per push; an agent that was cut off sends its backlog in batches of this size. */
export const MAX_SAMPLES_PER_PUSH = 100;
/** Filesystems listed per sample (disk.mounts, the root one included); the agent keeps the first by mount path. */
export const MAX_MOUNTS_PER_SAMPLE = 32;
/**
 * Request body bound for the function (HTTP 413 above it). The largest valid request, every field
 * at its longest, is below it (asserted in host-metrics.test.ts).
 */
export const HOST_METRICS_MAX_BODY_BYTES = 1_048_576;

export const HOST_ID_MAX_LENGTH = 128;
export const MOUNT_MAX_LENGTH = 128;
export const PROCESS_NAME_MAX_LENGTH = 128;
/** hostname, os, release and agent version strings. */
export const HOST_TEXT_MAX_LENGTH = 253;
export const PLATFORM_MAX_LENGTH = 32;
