/**
 * The services behind every function, built once per instance on first use (so that loading the
 * module, e.g. for deploy discovery, opens no connection).
 */
import { randomUUID } from "node:crypto";
import { ABANDON_AFTER_MINUTES, TRACE_RETENTION_DAYS } from "./config";
import { db } from "./firestore";
import { thresholdsConfig } from "./config/thresholds-config";
import { finishedTraces } from "./aggregation/finished-traces";
import { statsStore } from "./aggregation/stats-store";
import { statsService } from "./reads/stats-service";
import { traceService } from "./traces/trace-service";

function build() {
  const firestore = db();
  const now = Date.now;
  const retentionDays = () => TRACE_RETENTION_DAYS.value();
  const store = statsStore(firestore);
  const thresholds = thresholdsConfig(firestore, now);
  return {
    db: firestore,
    now,
    abandonAfterMs: () => ABANDON_AFTER_MINUTES.value() * 60_000,
    store,
    thresholds,
    traces: traceService({ db: firestore, now, newTraceId: randomUUID, retentionDays }),
    finished: finishedTraces({ db: firestore, store, thresholds, retentionDays }),
    stats: statsService({ db: firestore, store, now }),
  };
}

let built: ReturnType<typeof build> | undefined;
export function services(): ReturnType<typeof build> {
  built ??= build();
  return built;
}
