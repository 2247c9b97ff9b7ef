/**
 * The agent's loop: a sample every interval into a bounded buffer, pushed in batches; retryable
 * failures back off with jitter while sampling goes on, and a retry re-sends the same samples (same
 * sample_id) so the server stores each once. close() is memoised: it stops sampling, cuts a backoff
 * short and makes one last push of what is buffered, bounded by FLUSH_BOUND_MS.
 */
import type { HostSample } from "@aideon-perf/core";
import { backoffDelay, sleep, type BackoffPolicy } from "@aideon-perf/core/backoff";
import { MAX_SAMPLES_PER_PUSH } from "@aideon-perf/core/host-limits";
import { pushBackoff, retryAfterMs } from "./backoff";
import { EXIT } from "./exit-codes";
import type { Transport } from "./http-transport";
import type { Log } from "./log";
import { messages } from "./messages";
import { pushBody } from "./push-body";
import { invalidNumberPath } from "./sample-check";
import { SampleBuffer, type BufferedSample } from "./sample-buffer";

/** The first sample comes this soon after start (CPU and network rates need a window), then every interval. */
export const FIRST_SAMPLE_DELAY_MS = 1_000;
/** How long the last push on SIGTERM / SIGINT may take: systemd's stop timeout is 90 s, a container's often 10 s. */
export const FLUSH_BOUND_MS = 5_000;

export interface AgentOptions {
  intervalSeconds: number;
  bufferSize: number;
  hostId: string;
  version: string;
  collect: () => Promise<HostSample>;
  send: Transport;
  log: Log;
}

export class HostAgent {
  private readonly buffer: SampleBuffer;
  /** Aborted by close(): no new samples, no more backoff waits. */
  private readonly closing = new AbortController();
  /** Aborted at the flush deadline: cuts a request in flight. */
  private readonly deadline = new AbortController();
  private timer: NodeJS.Timeout | undefined;
  private pumping: Promise<void> | undefined;
  private sampling = false;
  private closed: Promise<void> | undefined;
  private exitCode: number = EXIT.ok;
  private finish!: (code: number) => void;
  private readonly backoff: BackoffPolicy;
  /** Resolves with the exit code once the agent has stopped: after close(), or at once when the key is rejected. */
  readonly done = new Promise<number>((resolve) => (this.finish = resolve));

  constructor(private readonly options: AgentOptions) {
    this.buffer = new SampleBuffer(options.bufferSize);
    this.backoff = pushBackoff(options.intervalSeconds);
  }

  start(): void {
    this.schedule(FIRST_SAMPLE_DELAY_MS);
  }

  close(signal = "close"): Promise<void> {
    this.closed ??= this.shutdown(signal);
    return this.closed;
  }

  private schedule(delayMs: number): void {
    const due = Date.now() + delayMs;
    this.timer = setTimeout(() => {
      // The next sample is due an interval after this one was, not after it finished.
      this.schedule(Math.max(0, due + this.options.intervalSeconds * 1_000 - Date.now()));
      void this.sampleAndPush();
    }, delayMs);
  }

  private async sampleAndPush(): Promise<void> {
    // A reading that hangs (df on a dead NFS mount) must not pile up one more every interval.
    if (this.sampling) return this.options.log("warn", messages.sampleStillRunning());
    this.sampling = true;
    const sample = await this.options
      .collect()
      .catch((error: unknown) => {
        this.options.log("error", messages.sampleFailed(error));
        return undefined;
      })
      .finally(() => (this.sampling = false));
    if (!sample || this.closing.signal.aborted) return;
    const buffered = this.toBuffered(sample);
    if (!buffered) return;
    if (this.buffer.add(buffered) > 0)
      this.options.log("warn", messages.bufferOverflow(this.buffer.capacity, this.buffer.dropped));
    this.pumping ??= this.pump().finally(() => (this.pumping = undefined));
  }

  /** Checked here, so one bad reading cannot get a whole batch refused. */
  private toBuffered(sample: HostSample): BufferedSample | undefined {
    const invalid = invalidNumberPath(sample);
    if (invalid === undefined) return { sampleId: sample.sample_id, json: JSON.stringify(sample) };
    this.buffer.countDropped(1);
    this.options.log("error", messages.sampleInvalid(invalid, this.buffer.dropped));
    return undefined;
  }

  /** Sends the backlog oldest first until it is empty, the key is rejected, or close() begins. */
  private async pump(): Promise<void> {
    for (let attempt = 0; this.buffer.size > 0 && !this.closing.signal.aborted;) {
      const outcome = await this.pushOldest();
      if (outcome.kind === "retry") {
        const jittered = backoffDelay(attempt++, this.backoff);
        // A server's Retry-After is honoured up to the backoff ceiling.
        const asked = retryAfterMs(outcome.retryAfter, Date.now()) ?? 0;
        const delay = Math.max(jittered, Math.min(asked, this.backoff.maxDelayMs));
        this.options.log("warn", messages.pushFailed(outcome.reason, delay, this.buffer.size));
        await sleep(delay, this.closing.signal);
      } else if (outcome.kind === "unauthorized") {
        return;
      } else {
        attempt = 0;
      }
    }
  }

  /** One push of the oldest batch, applied to the buffer. */
  private async pushOldest() {
    const batch = this.buffer.oldest(MAX_SAMPLES_PER_PUSH);
    const agent = {
      version: this.options.version,
      dropped_samples: this.buffer.dropped,
      buffered: this.buffer.size,
    };
    const outcome = await this.options.send(
      pushBody(this.options.hostId, agent, batch),
      this.deadline.signal,
    );
    const { log } = this.options;
    switch (outcome.kind) {
      case "stored":
        this.buffer.remove(batch);
        log("info", messages.pushed(batch.length, outcome.accepted, outcome.duplicates, this.buffer.size));
        break;
      case "rejected":
        log("error", messages.batchRejected(outcome.reason, this.buffer.drop(batch), this.buffer.dropped));
        break;
      case "unauthorized":
        log("error", messages.keyRejected(outcome.status, outcome.reason));
        this.exitCode = EXIT.keyRejected;
        void this.close("key rejected");
        break;
      case "retry":
        break;
    }
    return outcome;
  }

  private async shutdown(signal: string): Promise<void> {
    this.closing.abort();
    clearTimeout(this.timer);
    const deadline = setTimeout(() => this.deadline.abort(), FLUSH_BOUND_MS);
    if (this.exitCode === EXIT.ok)
      this.options.log("info", messages.stopping(signal, this.buffer.size, FLUSH_BOUND_MS));
    // A push in flight finishes (or hits the deadline) first; then one last attempt per remaining batch.
    await this.pumping;
    while (this.exitCode === EXIT.ok && this.buffer.size > 0 && !this.deadline.signal.aborted) {
      const outcome = await this.pushOldest();
      if (outcome.kind === "retry") {
        this.options.log("warn", messages.pushNotRetried(outcome.reason));
        break;
      }
    }
    clearTimeout(deadline);
    if (this.buffer.size > 0) this.options.log("warn", messages.unsent(this.buffer.size));
    this.options.log("info", messages.stopped(this.buffer.dropped));
    this.finish(this.exitCode);
  }
}
