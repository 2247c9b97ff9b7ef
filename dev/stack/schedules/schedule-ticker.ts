/**
 * Dev-only: runs the Functions emulator's scheduled functions on their schedules (the emulator runs
 * them only through the Java Pub/Sub emulator, and then not v2 ones), calling each the way Cloud
 * Scheduler does, and serves a control endpoint that tests use to run one on demand.
 */
import { functionsEmulator } from "../relay/functions-emulator";
import { startControlServer, type RunResult, type ScheduleControl } from "./control-server";
import { scheduledFunctions, schedulerHeaders, type ScheduledFunction } from "./scheduled-functions";
import { startTicker, systemClock, type Clock } from "./ticker";

/** How often the definitions are re-read (hot reloads add, change and remove functions). */
const DEFINITIONS_REFRESH_MS = 5_000;
/** Added to a function's own timeout: the first call may start its worker. */
const COLD_START_ALLOWANCE_MS = 30_000;

export interface ScheduleTickerOptions {
  /** e.g. http://127.0.0.1:5001 */
  functionsOrigin: string;
  projectId: string;
  /** control endpoint address; port 0 picks a free one */
  host: string;
  port: number;
  clock?: Clock;
  /** one line per failed run (default console.error) */
  log?: (line: string) => void;
}

export interface ScheduleTicker {
  /** the control endpoint, e.g. http://127.0.0.1:4410 */
  url: string;
  close(): Promise<void>;
}

const messages = {
  runFailed: (fn: ScheduledFunction, scheduleTime: number, reason: string) =>
    `schedule ticker: ${fn.name} (scheduled ${new Date(scheduleTime).toISOString()}) failed: ${reason}`,
  unreadable: (fn: ScheduledFunction) => `schedule ticker: ${fn.name} runs on demand only: ${fn.error}`,
};

export async function startScheduleTicker(options: ScheduleTickerOptions): Promise<ScheduleTicker> {
  const clock = options.clock ?? systemClock;
  const log = options.log ?? ((line: string) => console.error(line));
  const aborter = new AbortController();
  const emulator = functionsEmulator({
    origin: options.functionsOrigin,
    projectId: options.projectId,
    signal: aborter.signal,
  });
  const reported = new Set<string>();

  async function invoke(fn: ScheduledFunction, scheduleTimeMs: number): Promise<RunResult> {
    const started = Date.now();
    const answer = await emulator.call(fn.id, {
      headers: schedulerHeaders(fn, scheduleTimeMs),
      body: Buffer.alloc(0),
      timeoutMs: fn.timeoutSeconds * 1000 + COLD_START_ALLOWANCE_MS,
      catalogMaxAgeMs: DEFINITIONS_REFRESH_MS,
    });
    return {
      name: fn.name,
      status: answer.status,
      scheduleTime: new Date(scheduleTimeMs).toISOString(),
      durationMs: Date.now() - started,
    };
  }

  const ticker = startTicker(clock, async (fn, scheduleTimeMs) => {
    try {
      const result = await invoke(fn, scheduleTimeMs);
      if (result.status >= 300) log(messages.runFailed(fn, scheduleTimeMs, `HTTP ${result.status}`));
    } catch (err) {
      if (!aborter.signal.aborted) log(messages.runFailed(fn, scheduleTimeMs, (err as Error).message));
    }
  });

  /** Re-reads the definitions (the control endpoint answers from fresh ones) and updates the ticker. */
  async function refresh(): Promise<ScheduledFunction[]> {
    const functions = scheduledFunctions((await emulator.catalog(0)).definitions);
    for (const fn of functions) {
      if (fn.error && !reported.has(fn.id)) log(messages.unreadable(fn));
      reported.add(fn.id);
    }
    ticker.update(functions);
    return functions;
  }

  // Until the emulator answers (it starts after us) a refresh fails; the next interval tries again.
  const refreshTimer = setInterval(() => void refresh().catch(() => {}), DEFINITIONS_REFRESH_MS);
  void refresh().catch(() => {});

  const control: ScheduleControl = {
    list: async () =>
      (await refresh()).map((fn) => {
        const next = ticker.nextRun(fn.id);
        return {
          name: fn.name,
          id: fn.id,
          schedule: fn.scheduleText,
          timeZone: fn.timeZone,
          nextRun: next === null ? null : new Date(next).toISOString(),
          ...(fn.error ? { error: fn.error } : {}),
        };
      }),
    async run(name) {
      const fn = (await refresh()).find((f) => f.name === name || f.id === name);
      return fn ? invoke(fn, clock.now()) : null;
    },
  };
  const server = await startControlServer(control, options.host, options.port).catch((err: unknown) => {
    clearInterval(refreshTimer);
    aborter.abort();
    throw err;
  });

  let closing: Promise<void> | undefined;
  return {
    url: server.url,
    close() {
      closing ??= (async () => {
        clearInterval(refreshTimer);
        ticker.stop();
        aborter.abort();
        await server.close();
      })();
      return closing;
    },
  };
}
