/** POST benchmark: runs one benchmark inside this function instance, in the contract's answer shape. */
import { performance } from "node:perf_hooks";
import type { Firestore } from "firebase-admin/firestore";
import type { BenchmarkRequest, BenchmarkResult } from "@aideon-perf/core";
import { cpuBenchmark } from "./cpu";
import { firestoreBenchmark } from "./firestore";
import { memoryBenchmark } from "./memory";

export interface BenchmarkDeps {
  db: () => Firestore;
  /** Monotonic milliseconds. */
  now?: () => number;
  newId: () => string;
}

const seconds = (ms: number) => Math.round(ms) / 1000;

export async function runBenchmark(req: BenchmarkRequest, deps: BenchmarkDeps): Promise<BenchmarkResult> {
  const now = deps.now ?? (() => performance.now());
  const common = { requested_duration: req.duration };
  switch (req.test_type) {
    case "cpu": {
      const { elapsedMs, result, details } = await cpuBenchmark(req.duration, now);
      return { test_type: "cpu", ...common, actual_duration: seconds(elapsedMs), result, details };
    }
    case "memory": {
      const { elapsedMs, result, details } = await memoryBenchmark(req.duration, now);
      return { test_type: "memory", ...common, actual_duration: seconds(elapsedMs), result, details };
    }
    case "firestore": {
      const { elapsedMs, result, details } = await firestoreBenchmark(
        deps.db(),
        req.duration,
        now,
        deps.newId(),
      );
      return { test_type: "firestore", ...common, actual_duration: seconds(elapsedMs), result, details };
    }
  }
}
