import assert from "node:assert/strict";
import { setTimeout as sleep } from "node:timers/promises";
import type { RecordTracesRequestInput, RecordTracesResponse } from "@aideon-perf/core";
import { callableError, closeMonitors, recordingTransport, testMonitor } from "./support";

const record = (perf: ReturnType<typeof testMonitor>, count: number, name = "op") => {
  for (let i = 0; i < count; i++) perf.startTrace(name).addMetric("i", i).stop();
};

async function until(condition: () => boolean, timeoutMs = 2000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error("condition not met in time");
    await sleep(2);
  }
}

describe("sdk: batched delivery", () => {
  afterEach(closeMonitors);

  it("sends queued traces in batches of at most maxBatchSize, one call per batch", async () => {
    const transport = recordingTransport();
    const perf = testMonitor({ transport, maxBatchSize: 4 });
    record(perf, 10);
    await perf.flush();
    assert.deepEqual(
      transport.requests.map((r) => r.traces.length),
      [4, 4, 2],
    );
    assert.equal(new Set(transport.requests.map((r) => r.batch_id)).size, 3, "a batch_id per batch");
    assert.deepEqual(
      transport.traces().map((t) => t.metrics?.i),
      [0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
      "in stop order",
    );
    const { dropped, ...counts } = perf.stats();
    assert.deepEqual(counts, {
      queued: 0,
      inFlight: 0,
      sent: 10,
      batchesSent: 3,
      failedBatches: 0,
      retries: 0,
      sampledOut: 0,
    });
    assert.deepEqual(dropped, { queueFull: 0, invalid: 0, sendFailed: 0, shutdown: 0 });
  });

  it("sends a full batch at once, without waiting for the flush interval", async () => {
    const transport = recordingTransport();
    const perf = testMonitor({ transport, maxBatchSize: 3, flushIntervalMs: 60_000 });
    record(perf, 2);
    await sleep(10);
    assert.equal(transport.requests.length, 0);
    record(perf, 1);
    assert.equal(transport.requests.length, 0, "never inside stop()");
    await until(() => transport.requests.length === 1);
    assert.equal(transport.requests[0]!.traces.length, 3);
  });

  it("sends what is queued every flushIntervalMs", async () => {
    const transport = recordingTransport();
    const perf = testMonitor({ transport, flushIntervalMs: 20 });
    record(perf, 2);
    await until(() => transport.requests.length === 1);
    record(perf, 1);
    await until(() => transport.requests.length === 2);
    assert.deepEqual(
      transport.requests.map((r) => r.traces.length),
      [2, 1],
    );
  });

  it("a full queue drops new traces and counts them", async () => {
    const transport = recordingTransport();
    const perf = testMonitor({ transport, maxBatchSize: 5, maxQueueSize: 5 });
    record(perf, 8);
    assert.equal(perf.stats().queued, 5);
    assert.equal(perf.stats().dropped.queueFull, 3);
    await perf.flush();
    assert.equal(transport.traces().length, 5);
    assert.deepEqual(
      transport.traces().map((t) => t.metrics?.i),
      [0, 1, 2, 3, 4],
      "the oldest are kept",
    );
    assert.equal(perf.stats().sent, 5);
  });

  it("samples at start: samplingRate 0.25 records the traces whose draw is below it", async () => {
    const draws = [0.1, 0.3, 0.24, 0.9, 0.25];
    const transport = recordingTransport();
    const perf = testMonitor({ transport, samplingRate: 0.25, random: () => draws.shift() ?? 0 });
    const traces = Array.from({ length: 5 }, (_, i) => perf.startTrace(`t${i}`));
    assert.deepEqual(
      traces.map((t) => t.isRecording),
      [true, false, true, false, false],
    );
    for (const t of traces) t.stop();
    await perf.flush();
    assert.deepEqual(
      transport.traces().map((t) => t.name),
      ["t0", "t2"],
    );
    assert.equal(perf.stats().sampledOut, 3);
  });

  describe("retries", () => {
    it("retries a retryable failure with the same batch_id, and counts the retries", async () => {
      const transport = recordingTransport(callableError("unavailable"), new TypeError("fetch failed"));
      const perf = testMonitor({ transport });
      record(perf, 3);
      await perf.flush();
      assert.equal(transport.requests.length, 3);
      assert.equal(
        new Set(transport.requests.map((r) => r.batch_id)).size,
        1,
        "one batch_id for every attempt",
      );
      assert.deepEqual(transport.requests[2], transport.requests[0], "the very same request");
      assert.deepEqual(
        { sent: perf.stats().sent, retries: perf.stats().retries, failedBatches: perf.stats().failedBatches },
        { sent: 3, retries: 2, failedBatches: 0 },
      );
    });

    it("gives up at once on a permanent error (invalid-argument): batch counted failed, traces dropped", async () => {
      const errors: unknown[] = [];
      const transport = recordingTransport(callableError("invalid-argument"));
      const perf = testMonitor({ transport, onError: (e) => errors.push(e) });
      record(perf, 2);
      await perf.flush();
      assert.equal(transport.requests.length, 1);
      assert.deepEqual(
        [perf.stats().failedBatches, perf.stats().dropped.sendFailed, perf.stats().retries],
        [1, 2, 0],
      );
      assert.equal((errors[0] as { code: string }).code, "functions/invalid-argument");
    });

    it("gives up after maxRetries, then carries on with the next batch", async () => {
      const unavailable = callableError("unavailable");
      const transport = recordingTransport(unavailable, unavailable, unavailable);
      const perf = testMonitor({ transport, maxRetries: 2, maxBatchSize: 1 });
      record(perf, 2);
      await perf.flush();
      assert.equal(transport.requests.length, 4, "3 attempts for the first batch, 1 for the second");
      assert.deepEqual(
        [
          perf.stats().failedBatches,
          perf.stats().dropped.sendFailed,
          perf.stats().retries,
          perf.stats().sent,
        ],
        [1, 1, 2, 1],
      );
    });

    it("waits with exponential backoff and full jitter between attempts", async () => {
      const attempts: number[] = [];
      const unavailable = callableError("unavailable");
      const failing = recordingTransport(unavailable, unavailable, unavailable);
      const transport = (request: RecordTracesRequestInput): Promise<RecordTracesResponse> => {
        attempts.push(Date.now());
        return failing(request);
      };
      const perf = testMonitor({
        transport,
        initialRetryDelayMs: 20,
        maxRetryDelayMs: 50,
        random: () => 0.999,
      });
      record(perf, 1);
      await perf.flush();
      const gaps = attempts.slice(1).map((t, i) => t - attempts[i]!);
      // ceilings 20, 40, 50 (capped) ms, times a draw of 0.999
      assert.ok(gaps[0]! >= 18 && gaps[1]! >= 38 && gaps[2]! >= 48, `gaps ${gaps.join(", ")}`);
    });
  });

  describe("shutdown", () => {
    it("flushes, is idempotent and memoised, and stops recording", async () => {
      const transport = recordingTransport();
      const perf = testMonitor({ transport });
      record(perf, 3);
      const stillOpen = perf.startTrace("open_at_shutdown");
      const first = perf.shutdown();
      assert.equal(perf.shutdown(), first, "the same promise");
      await first;
      assert.equal(transport.traces().length, 3);
      assert.equal(perf.startTrace("after").isRecording, false);
      stillOpen.stop();
      assert.equal(perf.stats().dropped.shutdown, 1, "stopped after shutdown: counted, not sent");
      await perf.shutdown();
      assert.equal(transport.requests.length, 1);
    });

    it("gives up on what it cannot deliver within shutdownTimeoutMs, counting it", async () => {
      const hang = () => new Promise<RecordTracesResponse>(() => undefined);
      const perf = testMonitor({ transport: hang, shutdownTimeoutMs: 30, maxBatchSize: 2 });
      record(perf, 5);
      const started = Date.now();
      await perf.shutdown();
      assert.ok(Date.now() - started < 1000);
      assert.deepEqual([perf.stats().inFlight, perf.stats().dropped.shutdown, perf.stats().sent], [2, 3, 0]);
    });
  });
});
