/** Benchmarks: the pure kernels and the timing shell with a fake clock, then each benchmark briefly for real. */
import assert from "node:assert/strict";
import { performance } from "node:perf_hooks";
import {
  benchmarkRequestSchema,
  benchmarkResultSchema,
  parseRequest,
  ValidationError,
} from "@aideon-perf/core";
import { runBenchmark } from "../../functions/src/rest/benchmark";
import { arithmeticLoop, cpuBenchmark } from "../../functions/src/rest/benchmark/cpu";
import { allocateAndTouch, memoryBenchmark } from "../../functions/src/rest/benchmark/memory";
import { percentile } from "../../functions/src/rest/benchmark/percentile";
import { perSecond, runFor } from "../../functions/src/rest/benchmark/timed-loop";

describe("rest: benchmark", () => {
  it("validates the request: cpu | memory | firestore, 0 < duration <= 10 s, default 1 s", () => {
    assert.deepEqual(parseRequest(benchmarkRequestSchema, { test_type: "cpu", duration: 2.0 }), {
      test_type: "cpu",
      duration: 2,
    });
    assert.deepEqual(parseRequest(benchmarkRequestSchema, { test_type: "memory" }), {
      test_type: "memory",
      duration: 1,
    });
    for (const [body, field] of [
      [{ test_type: "gpu", duration: 1 }, "test_type"],
      [{ duration: 1 }, "test_type"],
      [{ test_type: "cpu", duration: 0 }, "duration"],
      [{ test_type: "cpu", duration: 10.001 }, "duration"],
      [{ test_type: "cpu", duration: "2" }, "duration"],
      [{ test_type: "cpu", duration: 1, extra: 1 }, "extra"],
    ] as const) {
      assert.throws(
        () => parseRequest(benchmarkRequestSchema, body),
        (e: ValidationError) => e.field === field,
        JSON.stringify(body),
      );
    }
  });

  it("runs slices until the duration has passed, yielding between them", async () => {
    let clock = 0;
    let pauses = 0;
    const run = await runFor(
      100,
      () => clock,
      () => {
        clock += 30;
        return 7;
      },
      async () => {
        pauses += 1;
      },
    );
    assert.deepEqual(run, { elapsedMs: 120, units: 28, slices: 4 });
    assert.equal(pauses, 3);
    assert.equal(perSecond(28, 120), (28 * 1000) / 120);
    assert.equal(perSecond(5, 0), 0);
  });

  it("the cpu loop is a fixed computation: same input, same state, the count is what ran", async () => {
    assert.equal(arithmeticLoop(3, 1), arithmeticLoop(1, arithmeticLoop(2, 1)));
    assert.equal(arithmeticLoop(0, 42), 42);
    let clock = 0;
    const run = await cpuBenchmark(0.05, () => (clock += 10), 1000);
    assert.equal(run.result, run.details.iterations);
    assert.equal(
      run.state,
      arithmeticLoop(run.result, 1),
      "the loop ran exactly as many iterations as reported",
    );
  });

  it("the memory kernel writes every byte it allocates", async () => {
    const chunk = allocateAndTouch(10_000, 0x1ab);
    assert.ok(chunk.every((b) => b === 0xab));
    const run = await memoryBenchmark(0.05, () => performance.now(), 4096);
    assert.equal(run.details.chunk_bytes, 4096);
    assert.equal(run.details.bytes_allocated % 4096, 0);
    assert.equal(run.result, run.details.bytes_per_second);
  });

  it("nearest-rank percentiles", () => {
    assert.equal(percentile([], 0.5), null);
    assert.equal(percentile([7], 0.95), 7);
    const values = Array.from({ length: 100 }, (_, i) => i + 1);
    assert.equal(percentile(values, 0.5), 50);
    assert.equal(percentile(values, 0.95), 95);
    assert.equal(percentile(values, 1), 100);
    assert.equal(percentile(values, 0), 1);
  });

  it("cpu and memory answer in the contract's shape, taking at least the requested time", async () => {
    for (const test_type of ["cpu", "memory"] as const) {
      const started = performance.now();
      const result = await runBenchmark(
        { test_type, duration: 0.2 },
        { db: () => assert.fail("no Firestore"), newId: () => "x" },
      );
      const tookMs = performance.now() - started;
      benchmarkResultSchema.parse(result);
      assert.equal(result.test_type, test_type);
      assert.equal(result.requested_duration, 0.2);
      assert.ok(
        result.actual_duration >= 0.2 && result.actual_duration * 1000 <= tookMs + 1,
        `${result.actual_duration}`,
      );
      assert.ok(result.result > 0);
    }
  });

  it("does not block the event loop for the whole run", async () => {
    let ticks = 0;
    const timer = setInterval(() => (ticks += 1), 10);
    await runBenchmark(
      { test_type: "cpu", duration: 0.3 },
      { db: () => assert.fail("no Firestore"), newId: () => "x" },
    );
    clearInterval(timer);
    assert.ok(ticks >= 10, `a 10 ms timer fired ${ticks} times during a 300 ms benchmark`);
  });
});
