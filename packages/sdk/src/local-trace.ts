/**
 * A trace measured in this process. Its start and stop read only the clock; at stop it goes to the
 * sink (the monitor), which queues it for a batch. Invalid input is reported to the sink, which
 * throws or lets the trace carry on marked invalid, to be counted and dropped at stop.
 */
import {
  LIMITS,
  type Attributes,
  type Metrics,
  type TraceType,
  type ValidationError,
} from "@aideon-perf/core";
import type { Clock, EpochAnchor } from "./clock";
import { checkAttribute, checkMetric, checkTraceName, checkTraceType, tooMany } from "./input-checks";
import type { AttributeValue, Trace } from "./types";

/** What a stopped trace hands over for delivery. */
export interface FinishedTrace {
  readonly name: string;
  readonly traceType: TraceType;
  /** Epoch ms. */
  readonly startTime: number;
  /** Seconds. */
  readonly duration: number;
  readonly attributes: Attributes | undefined;
  readonly metrics: Metrics | undefined;
  /** False when any input was invalid: such a trace is never sent. */
  readonly valid: boolean;
}

export interface TraceSink {
  readonly clock: Clock;
  readonly epoch: EpochAnchor;
  /** Throws `error` (onInvalid: 'throw') or returns, and the trace is then dropped at stop. */
  reject(error: ValidationError): void;
  finish(trace: FinishedTrace): void;
}

const NOT_STOPPED = -1;
// Read once: the hot path then reads local constants, not the core module's exports.
const { MAX_ATTRIBUTES, MAX_METRICS, MAX_DURATION_SECONDS } = LIMITS;

export class LocalTrace implements Trace, FinishedTrace {
  name: string;
  readonly traceType: TraceType;
  readonly startTime: number;
  duration = NOT_STOPPED;
  attributes: Attributes | undefined = undefined;
  metrics: Metrics | undefined = undefined;
  valid = true;
  private attributeCount = 0;
  private metricCount = 0;
  private readonly startMs: number;

  constructor(
    private readonly sink: TraceSink,
    name: string,
    traceType: TraceType,
    attributes: Attributes | undefined,
  ) {
    this.name = name;
    this.traceType = traceType;
    this.report(checkTraceName(name));
    this.report(checkTraceType(traceType));
    // Copied: callers often pass one constant object (a decorator's attributes) to every trace.
    if (attributes !== undefined)
      for (const key in attributes) this.addAttribute(key, attributes[key] as AttributeValue);
    // Read last, so validation is not part of the measured operation.
    this.startMs = sink.clock.now();
    this.startTime = sink.epoch.toEpochMs(this.startMs);
  }

  get isRecording(): boolean {
    return true;
  }

  addAttribute(key: string, value: AttributeValue): this {
    if (this.duration === NOT_STOPPED && !this.report(checkAttribute(key, value)))
      this.attributeCount = this.setEntry(
        "attributes",
        (this.attributes ??= {}),
        this.attributeCount,
        key,
        value,
      );
    return this;
  }

  addMetric(name: string, value: number): this {
    if (this.duration === NOT_STOPPED && !this.report(checkMetric(name, value)))
      this.metricCount = this.setEntry("metrics", (this.metrics ??= {}), this.metricCount, name, value);
    return this;
  }

  incrementMetric(name: string, by = 1): this {
    const metrics = this.metrics;
    return this.addMetric(
      name,
      (metrics !== undefined && Object.hasOwn(metrics, name) ? (metrics[name] as number) : 0) + by,
    );
  }

  updateName(name: string): this {
    if (this.duration === NOT_STOPPED && !this.report(checkTraceName(name))) this.name = name;
    return this;
  }

  stop(): number {
    if (this.duration !== NOT_STOPPED) return this.duration;
    const seconds = Math.max(0, (this.sink.clock.now() - this.startMs) / 1000);
    this.duration = seconds;
    // Never thrown: stop() must always hand the trace over, so an over-long one is a counted drop.
    if (seconds > MAX_DURATION_SECONDS) this.valid = false;
    this.sink.finish(this);
    return seconds;
  }

  /**
   * Sets a checked attribute or metric and returns the field's new entry count; a new key past the
   * field's bound is reported instead. The object and count come in as arguments, not looked up by
   * field name: a keyed lookup on the hot path cost about 40 ns a call.
   */
  private setEntry<V>(
    field: "attributes" | "metrics",
    entries: Record<string, V>,
    count: number,
    key: string,
    value: V,
  ): number {
    if (Object.hasOwn(entries, key)) {
      entries[key] = value;
      return count;
    }
    const max = field === "attributes" ? MAX_ATTRIBUTES : MAX_METRICS;
    if (count === max) {
      this.report(tooMany(field, max));
      return count;
    }
    entries[key] = value;
    return count + 1;
  }

  /**
   * True when `error` is set. The sink throws it (the call is refused, the trace stays valid) or
   * returns, and the trace is then marked invalid.
   */
  private report(error: ValidationError | undefined): boolean {
    if (error === undefined) return false;
    this.sink.reject(error);
    this.valid = false;
    return true;
  }
}
