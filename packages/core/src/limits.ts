/**
 * Every size bound on wire input, in one place so schemas, SDK and docs agree.
 * Name and attribute bounds follow Firebase Performance Monitoring's own limits, so traces
 * stay portable to it; the rest keep a single request well inside one Firestore batch.
 */
export const LIMITS = Object.freeze({
  /** Trace and metric names. */
  NAME_MAX_LENGTH: 100,
  MAX_ATTRIBUTES: 32,
  ATTRIBUTE_KEY_MAX_LENGTH: 40,
  ATTRIBUTE_VALUE_MAX_LENGTH: 100,
  MAX_METRICS: 32,
  /**
   * Traces per recordTraces call. Its chunk documents commit atomically, and 500 traces at every other
   * bound (~2 MB) stay far below Firestore's 10 MiB per commit.
   */
  MAX_TRACES_PER_BATCH: 500,
  /** One day: longer "traces" are clock errors or forgotten stops, not operations. */
  MAX_DURATION_SECONDS: 86_400,
  /** trace_id and batch_id become Firestore document ids (`[A-Za-z0-9_-]`, 1-128 chars). */
  ID_MAX_LENGTH: 128,
  /** Accepted start_time range in epoch ms: 2000-01-01T00:00:00Z to 2100-01-01T00:00:00Z, inclusive. */
  START_TIME_MIN_MS: 946_684_800_000,
  START_TIME_MAX_MS: 4_102_444_800_000,
} as const);
