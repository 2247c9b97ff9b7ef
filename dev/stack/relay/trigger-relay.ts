/**
 * Dev-only: delivers our local Firestore's document changes to the v2 Firestore trigger functions in
 * the Functions emulator, as Eventarc would (it does not register Firestore triggers without the
 * official Firestore emulator). Deliveries run off the commit path, in commit order per document, with
 * bounded retries while the emulator cannot be reached. Not for use with the official emulator, which
 * delivers triggers itself.
 */
import { setTimeout as sleep } from "node:timers/promises";
import type { DocumentChange, LocalFirestore } from "@aideon-perf/local-firestore";
import type { BackoffPolicy } from "@aideon-perf/core";
import { firestoreCloudEvent } from "./cloud-event";
import {
  firestoreTriggers,
  parseDocumentName,
  triggersFor,
  type FirestoreTrigger,
} from "./firestore-triggers";
import { functionsEmulator, type FunctionCatalog } from "./functions-emulator";

/** How stale the function definitions may be when a change is matched (hot reloads add functions). */
const DEFAULT_DEFINITIONS_MAX_AGE_MS = 2_000;
/** Added to a function's own timeout: the first call may start its worker. */
const COLD_START_ALLOWANCE_MS = 30_000;

export interface TriggerRelayOptions {
  firestore: Pick<LocalFirestore, "onDocumentChange">;
  /** e.g. http://127.0.0.1:5001 */
  functionsOrigin: string;
  /** only this project's changes are delivered (the emulator serves one project) */
  projectId: string;
  /** the events' `location` attribute (default us-central1) */
  location?: string;
  /** attempts per delivery while the emulator cannot be reached (default 8, about 18 s) */
  maxAttempts?: number;
  backoff?: Partial<BackoffPolicy>;
  /** deliveries in flight at once, across documents (default 8) */
  maxConcurrent?: number;
  /** how stale the cached function definitions may be when a change is matched (default 2 s) */
  definitionsMaxAgeMs?: number;
  /** how long close() waits for queued deliveries before abandoning them (default 10 s) */
  closeTimeoutMs?: number;
  /** one line per failed delivery (default console.error) */
  log?: (line: string) => void;
}

export interface TriggerRelayStats {
  /** the function ran and succeeded */
  delivered: number;
  /** the function failed, could not be reached in maxAttempts, or was abandoned on close */
  failed: number;
  /** attempts repeated after a connection error */
  retried: number;
  /** the emulator had background triggers disabled (hub `disableBackgroundTriggers`) */
  skipped: number;
  /** changes queued or being delivered */
  pending: number;
}

export interface TriggerRelay {
  stats(): TriggerRelayStats;
  /** Resolves once every change received so far has been delivered (or has failed). */
  settled(): Promise<void>;
  /** Stops listening and waits for queued deliveries up to closeTimeoutMs. Idempotent. */
  close(): Promise<void>;
}

const messages = {
  failed: (trigger: FirestoreTrigger, path: string, reason: string) =>
    `trigger relay: ${trigger.name} (${trigger.eventType}) for ${path} failed: ${reason}`,
  unmatched: (path: string, reason: string) => `trigger relay: change to ${path} not delivered: ${reason}`,
};

/** Limits concurrent work; waiters run in arrival order. */
function concurrencyLimit(max: number) {
  let active = 0;
  const waiting: Array<() => void> = [];
  return async <T>(work: () => Promise<T>): Promise<T> => {
    if (active >= max) await new Promise<void>((resolve) => waiting.push(resolve));
    active++;
    try {
      return await work();
    } finally {
      active--;
      waiting.shift()?.();
    }
  };
}

export function startTriggerRelay(options: TriggerRelayOptions): TriggerRelay {
  const location = options.location ?? "us-central1";
  const definitionsMaxAgeMs = options.definitionsMaxAgeMs ?? DEFAULT_DEFINITIONS_MAX_AGE_MS;
  const log = options.log ?? ((line: string) => console.error(line));
  const aborter = new AbortController();
  const counts = { delivered: 0, failed: 0, retried: 0, skipped: 0 };
  const emulator = functionsEmulator({
    origin: options.functionsOrigin,
    projectId: options.projectId,
    maxAttempts: options.maxAttempts,
    backoff: options.backoff,
    signal: aborter.signal,
    onRetry: () => counts.retried++,
  });
  const limit = concurrencyLimit(options.maxConcurrent ?? 8);
  /** per document: the tail of its delivery chain */
  const chains = new Map<string, Promise<void>>();
  let pending = 0;
  let settledWaiters: Array<() => void> = [];

  let triggersCache: { catalog: FunctionCatalog; triggers: FirestoreTrigger[] } | undefined;
  const triggersOf = (catalog: FunctionCatalog) => {
    if (triggersCache?.catalog !== catalog)
      triggersCache = { catalog, triggers: firestoreTriggers(catalog.definitions) };
    return triggersCache.triggers;
  };

  async function deliver(change: DocumentChange, trigger: FirestoreTrigger): Promise<void> {
    const event = firestoreCloudEvent(change, trigger, location);
    const answer = await limit(() =>
      emulator.call(trigger.id, {
        ...event,
        timeoutMs: trigger.timeoutSeconds * 1000 + COLD_START_ALLOWANCE_MS,
        catalogMaxAgeMs: definitionsMaxAgeMs,
      }),
    );
    if (answer.status === 204) counts.skipped++;
    else if (answer.status >= 200 && answer.status < 300) counts.delivered++;
    else throw new Error(`HTTP ${answer.status} ${answer.body.split("\n")[0]!.slice(0, 200)}`);
  }

  /** Matches a change (no-op writes match nothing) and delivers it to every trigger it reaches. */
  async function deliverChange(change: DocumentChange, path: string): Promise<void> {
    let triggers: FirestoreTrigger[];
    try {
      triggers = triggersFor(change, triggersOf(await emulator.catalog(definitionsMaxAgeMs)));
    } catch (err) {
      counts.failed++;
      log(messages.unmatched(path, (err as Error).message));
      return;
    }
    await Promise.all(
      triggers.map((trigger) =>
        deliver(change, trigger).catch((err: Error) => {
          counts.failed++;
          log(messages.failed(trigger, path, err.name === "AbortError" ? "abandoned on close" : err.message));
        }),
      ),
    );
  }

  /** Runs inside the commit: only queues. */
  function onChange(change: DocumentChange): void {
    const name = parseDocumentName(change.name);
    if (!name || name.project !== options.projectId) return;
    pending++;
    const tail = (chains.get(change.name) ?? Promise.resolve()).then(() => deliverChange(change, name.path));
    chains.set(change.name, tail);
    void tail.finally(() => {
      pending--;
      if (chains.get(change.name) === tail) chains.delete(change.name);
      if (pending === 0) {
        for (const resolve of settledWaiters) resolve();
        settledWaiters = [];
      }
    });
  }

  const unsubscribe = options.firestore.onDocumentChange(onChange);

  const settled = () =>
    pending === 0 ? Promise.resolve() : new Promise<void>((resolve) => settledWaiters.push(resolve));

  let closing: Promise<void> | undefined;
  return {
    stats: () => ({ ...counts, pending }),
    settled,
    close() {
      closing ??= (async () => {
        unsubscribe();
        const timeout = sleep(options.closeTimeoutMs ?? 10_000, "timeout", { ref: false });
        if ((await Promise.race([settled().then(() => "settled"), timeout])) === "timeout") {
          aborter.abort();
          await settled();
        }
      })();
      return closing;
    },
  };
}
