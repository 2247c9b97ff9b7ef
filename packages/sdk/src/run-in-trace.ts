/** The contract's context manager: a trace around a call that always stops, recording how the call ended. */
import { fitAttributeValue } from "@aideon-perf/core";
import type { Trace } from "./types";

/** Runs `fn(trace)`; stops the trace when it returns or throws, or when its returned promise settles. */
export function runInTrace<R>(trace: Trace, fn: (trace: Trace) => R): R {
  let result: R;
  try {
    result = fn(trace);
  } catch (error) {
    stopFailed(trace, error);
    throw error;
  }
  if (!isPromiseLike(result)) {
    stopSucceeded(trace);
    return result;
  }
  return result.then(
    (value) => {
      stopSucceeded(trace);
      return value;
    },
    (error: unknown) => {
      stopFailed(trace, error);
      throw error;
    },
  ) as R;
}

function isPromiseLike(value: unknown): value is PromiseLike<unknown> {
  return typeof (value as PromiseLike<unknown> | null)?.then === "function";
}

function stopSucceeded(trace: Trace): void {
  trace.addAttribute("success", true).stop();
}

function stopFailed(trace: Trace, error: unknown): void {
  trace.addAttribute("success", false).addAttribute("error_type", errorType(error)).stop();
}

/** The error's class name, never its message: low cardinality, and messages can carry user data. */
export function errorType(error: unknown): string {
  const name = error instanceof Error ? error.name : typeof error;
  return fitAttributeValue(name);
}
