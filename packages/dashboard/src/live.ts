/**
 * Keeps the dashboard current at the least cost (README "Dashboard"): a Firestore listener on the open
 * aggregate shards is the change signal (the triggers write one for every aggregated batch or stopped
 * trace); a change, settled and throttled, costs one getDashboard call. Nothing changes, nothing is
 * called, but for one refresh a minute for what time alone changes (windows slide, hosts fall silent,
 * health is re-evaluated). Where the listener cannot run, the page polls instead. Hidden, it detaches.
 */

/** A refresh after this long without one keeps what depends on the clock alone current. */
export const REFRESH_EVERY_MS = 60_000;
/** A burst of shard writes (one batch lands in several shards) is one refresh. */
export const SETTLE_MS = 300;
/** At most one refresh per this under continuous traffic: a new trace still shows within 5 s. */
export const MIN_GAP_MS = 2_500;
/** Polling period when the listener fails (e.g. a Firestore without listen support). */
export const POLL_EVERY_MS = 4_000;

export type LiveMode = "listening" | "polling" | "paused";

export interface LiveOptions {
  refresh: () => Promise<void>;
  /** Starts the change signal; returns its detach function. The first call of onChange is the initial snapshot. */
  watch: (onChange: () => void, onError: (error: Error) => void) => () => void;
  onMode: (mode: LiveMode, detail?: string) => void;
}

export function liveUpdates(opts: LiveOptions): { start(): void; close(): void } {
  let running = false;
  let listenerFailed: string | undefined;
  let unwatch: (() => void) | undefined;
  let periodic: ReturnType<typeof setTimeout> | undefined;
  let pending: ReturnType<typeof setTimeout> | undefined;
  let inFlight = false;
  let again = false;
  let lastRun = 0;

  const run = async () => {
    pending = undefined;
    if (!running) return;
    if (inFlight) {
      again = true;
      return;
    }
    inFlight = true;
    lastRun = Date.now();
    try {
      await opts.refresh();
    } finally {
      inFlight = false;
      if (running && !listenerFailed) idleRefresh();
      if (again) {
        again = false;
        schedule();
      }
    }
  };

  function schedule() {
    if (pending !== undefined || !running) return;
    pending = setTimeout(() => void run(), Math.max(SETTLE_MS, lastRun + MIN_GAP_MS - Date.now()));
  }

  const poll = (everyMs: number) => {
    clearInterval(periodic);
    periodic = setInterval(() => void run(), everyMs);
  };
  /** Re-armed by every refresh: at rest, one a minute; under traffic, none beyond the changes'. */
  const idleRefresh = () => {
    clearInterval(periodic);
    periodic = setTimeout(() => void run(), REFRESH_EVERY_MS);
  };

  function listen() {
    let initial = true;
    unwatch = opts.watch(
      () => {
        if (initial) initial = false;
        else schedule();
      },
      (error) => {
        listenerFailed = error.message;
        unwatch = undefined;
        poll(POLL_EVERY_MS);
        opts.onMode("polling", listenerFailed);
      },
    );
  }

  function resume() {
    if (running) return;
    running = true;
    void run();
    if (listenerFailed) {
      poll(POLL_EVERY_MS);
      opts.onMode("polling", listenerFailed);
      return;
    }
    listen();
    opts.onMode("listening");
  }

  function pause() {
    running = false;
    unwatch?.();
    unwatch = undefined;
    clearInterval(periodic);
    clearTimeout(pending);
    pending = undefined;
  }

  let open = false;
  const onVisibility = () => {
    if (!open) return;
    if (document.hidden) {
      pause();
      opts.onMode("paused");
    } else resume();
  };
  document.addEventListener("visibilitychange", onVisibility);
  return {
    /** Starts now (or when the page is next shown). */
    start() {
      open = true;
      if (!document.hidden) resume();
    },
    /** Stops for good (signed out). */
    close() {
      open = false;
      pause();
      document.removeEventListener("visibilitychange", onVisibility);
    },
  };
}
