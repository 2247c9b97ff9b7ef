/**
 * The last moments to send what is queued. Node: `beforeExit`, emitted when the event loop has nothing
 * left to do (the flush then gives it more, and it is emitted again once that is done). Browsers:
 * the page becoming hidden and `pagehide`, the last events a page reliably gets (`unload` is not).
 */
export interface ExitHookHost {
  process?: {
    on(event: "beforeExit", listener: () => void): unknown;
    off(event: "beforeExit", listener: () => void): unknown;
  };
  document?: {
    visibilityState: string;
    addEventListener(type: "visibilitychange", listener: () => void): void;
    removeEventListener(type: "visibilitychange", listener: () => void): void;
  };
  addEventListener?(type: "pagehide", listener: () => void): void;
  removeEventListener?(type: "pagehide", listener: () => void): void;
}

/** Calls `flush` at each of those moments; returns the function that removes the hooks. */
export function onExitOrHide(flush: () => void, host: ExitHookHost = globalThis as ExitHookHost): () => void {
  const { process, document } = host;
  const whenHidden = () => {
    if (document?.visibilityState === "hidden") flush();
  };
  // Node's process has on/off; a bundler's process shim may not.
  const nodeProcess =
    typeof process?.on === "function" && typeof process.off === "function" ? process : undefined;
  nodeProcess?.on("beforeExit", flush);
  document?.addEventListener("visibilitychange", whenHidden);
  host.addEventListener?.("pagehide", flush);
  return () => {
    nodeProcess?.off("beforeExit", flush);
    document?.removeEventListener("visibilitychange", whenHidden);
    host.removeEventListener?.("pagehide", flush);
  };
}
