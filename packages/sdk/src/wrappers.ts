/** The contract's `@performance_monitor`: a function wrapper and a TypeScript 5 (standard) method decorator. */
import { DEFAULT_TRACE_TYPE, type Attributes, type TraceType } from "@aideon-perf/core";
import { getPerformanceMonitor } from "./default-monitor";
import type { PerformanceMonitor } from "./types";

export interface TracedOptions {
  /** Trace name; defaults to the function's or method's name. */
  name?: string;
  /** Defaults to CUSTOM_TRACE. */
  traceType?: TraceType;
  attributes?: Attributes;
  /** Defaults to the monitor of the last initPerformance(), looked up at each call. */
  monitor?: PerformanceMonitor;
}

/** `fn` wrapped so that each call runs inside a trace (see PerformanceMonitor.trace). */
export function monitored<This, Args extends unknown[], R>(
  fn: (this: This, ...args: Args) => R,
  options: TracedOptions = {},
): (this: This, ...args: Args) => R {
  const name = options.name ?? (fn.name || "anonymous");
  const traceType = options.traceType ?? DEFAULT_TRACE_TYPE;
  const { attributes, monitor } = options;
  return function (this: This, ...args: Args): R {
    return (monitor ?? getPerformanceMonitor()).trace(
      name,
      traceType,
      () => fn.apply(this, args),
      attributes,
    );
  };
}

/** Method decorator: `@traced({ name: "ai_text_generation", traceType: "AI_GENERATION" })`. */
export function traced(options: TracedOptions = {}) {
  return function <This, Args extends unknown[], R>(
    method: (this: This, ...args: Args) => R,
    context: ClassMethodDecoratorContext<This, (this: This, ...args: Args) => R>,
  ): (this: This, ...args: Args) => R {
    return monitored(method, { ...options, name: options.name ?? String(context.name) });
  };
}
