/**
 * The delivery side of the monitor (OpenTelemetry's BatchSpanProcessor, for recordTraces): a bounded
 * queue of finished traces, sent in batches every flushIntervalMs or as soon as a batch is full,
 * one batch at a time, each retried under its own batch_id until stored, dropped or shut down.
 */
import type { FinishedTrace } from "./local-trace";
import { sendWithRetry, type RetryPolicy } from "./send-with-retry";
import type { BatchTransport } from "./transport";
import type { MonitorStats } from "./types";
import { toRecordedTrace } from "./wire";

export interface ExporterConfig {
  transport: BatchTransport;
  flushIntervalMs: number;
  maxBatchSize: number;
  maxQueueSize: number;
  retry: RetryPolicy;
  random: () => number;
  newBatchId: () => string;
  report: (error: unknown) => void;
}

/** The counters the exporter keeps; queued and inFlight are read live. */
export type ExporterCounters = Omit<MonitorStats, "queued" | "inFlight">;

export class BatchExporter {
  private readonly queue: FinishedTrace[] = [];
  private inFlightCount = 0;
  private draining: Promise<void> | undefined;
  private flushScheduled = false;
  /** Aborted when shutdown's deadline passes: ends retry waits and the drain loop. */
  private readonly deadline = new AbortController();
  private readonly interval: ReturnType<typeof setInterval>;

  constructor(
    private readonly config: ExporterConfig,
    private readonly counters: ExporterCounters,
  ) {
    this.interval = setInterval(() => {
      if (this.queue.length > 0) void this.flush();
    }, config.flushIntervalMs);
    // A periodic flush must not keep a Node process alive; beforeExit flushes what is left.
    (this.interval as { unref?: () => void }).unref?.();
  }

  get queued(): number {
    return this.queue.length;
  }

  get inFlight(): number {
    return this.inFlightCount;
  }

  enqueue(trace: FinishedTrace): void {
    const queue = this.queue;
    if (queue.length >= this.config.maxQueueSize) {
      this.counters.dropped.queueFull++;
      return;
    }
    queue.push(trace);
    // A full batch goes out on the next turn of the event loop, never inside the caller's stop().
    if (queue.length >= this.config.maxBatchSize && !this.flushScheduled && this.draining === undefined) {
      this.flushScheduled = true;
      setTimeout(() => {
        this.flushScheduled = false;
        void this.flush();
      }, 0);
    }
  }

  /** Resolves once the queue is empty (traces queued meanwhile included). */
  flush(): Promise<void> {
    this.draining ??= this.drain().finally(() => {
      this.draining = undefined;
    });
    return this.draining;
  }

  /** Stops the timer and delivers what it can within `timeoutMs`; what is still queued then is dropped. */
  async shutdown(timeoutMs: number): Promise<void> {
    clearInterval(this.interval);
    let timer: ReturnType<typeof setTimeout> | undefined;
    const expired = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, timeoutMs);
    });
    await Promise.race([this.flush(), expired]);
    clearTimeout(timer);
    this.deadline.abort();
    this.counters.dropped.shutdown += this.queue.length;
    this.queue.length = 0;
  }

  private async drain(): Promise<void> {
    const { maxBatchSize, retry, random, newBatchId, transport } = this.config;
    while (this.queue.length > 0 && !this.deadline.signal.aborted) {
      const batch = this.queue.splice(0, maxBatchSize);
      this.inFlightCount = batch.length;
      // Built once: every retry sends the same batch_id, which the server stores once.
      const request = { batch_id: newBatchId(), traces: batch.map(toRecordedTrace) };
      try {
        await sendWithRetry(
          () => transport(request),
          retry,
          this.deadline.signal,
          random,
          () => this.counters.retries++,
        );
        this.counters.sent += batch.length;
        this.counters.batchesSent++;
      } catch (error) {
        this.counters.failedBatches++;
        this.counters.dropped.sendFailed += batch.length;
        this.config.report(error);
      } finally {
        this.inFlightCount = 0;
      }
    }
  }
}
