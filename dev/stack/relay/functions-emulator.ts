/**
 * The Functions emulator as the relay and the schedule ticker use it: the loaded definitions, the keys
 * that route a POST to one function's background route (`/functions/projects/{project}/triggers/{key}`),
 * and calls through that route that survive emulator restarts and trigger re-registration.
 */
import { setTimeout as sleep } from "node:timers/promises";
import { backoffDelay, type BackoffPolicy } from "@aideon-perf/core";
import {
  definitionsFromBackends,
  triggerKeysFromListing,
  type FunctionDefinition,
} from "./function-definitions";
import { ConnectionError, httpRequest, type HttpAnswer } from "./http-request";

const CATALOG_TIMEOUT_MS = 10_000;
/**
 * Retries while the Functions emulator cannot be reached: 250 ms doubling to 5 s, jittered over the upper
 * half so that triggers queued during an emulator restart do not all arrive at once.
 */
export const RELAY_BACKOFF: BackoffPolicy = { initialDelayMs: 250, maxDelayMs: 5_000, minFraction: 0.5 };
/** No function has this key, so the emulator answers 404 listing every valid key. */
const KEY_LISTING_PROBE = "__relay-key-listing__";

export interface FunctionCatalog {
  definitions: FunctionDefinition[];
  /** definition id -> current trigger key (event-triggered and scheduled functions) */
  keys: Map<string, string>;
  fetchedAt: number;
}

export interface FunctionsEmulatorOptions {
  /** e.g. http://127.0.0.1:5001 */
  origin: string;
  projectId: string;
  /** attempts per request while the emulator cannot be reached (default 8, about 18 s) */
  maxAttempts?: number;
  backoff?: Partial<BackoffPolicy>;
  /** aborts requests and backoff waits (on close) */
  signal?: AbortSignal;
  /** called before each retry after a connection error */
  onRetry?: () => void;
}

export interface FunctionsEmulator {
  /** The cached catalog if younger than `maxAgeMs`, else a fresh one (concurrent callers share one fetch). */
  catalog(maxAgeMs: number): Promise<FunctionCatalog>;
  /**
   * POSTs to a function by definition id and returns the emulator's answer. A stale key answers 404
   * (unknown) or 204 (an older generation, now disabled): the catalog is refreshed and the call made
   * once more. A 204 that remains means background triggers are disabled; a 404, that the function is gone.
   */
  call(
    definitionId: string,
    request: { headers: Record<string, string>; body: Buffer; timeoutMs: number; catalogMaxAgeMs: number },
  ): Promise<HttpAnswer>;
}

export function functionsEmulator(options: FunctionsEmulatorOptions): FunctionsEmulator {
  const { origin, signal } = options;
  const maxAttempts = options.maxAttempts ?? 8;
  const triggerUrl = (key: string) =>
    `${origin}/functions/projects/${encodeURIComponent(options.projectId)}/triggers/${encodeURIComponent(key)}`;
  let cached: FunctionCatalog | undefined;
  let inFlight: Promise<FunctionCatalog> | undefined;

  /** Retries after connection errors with backoff; other errors and the last one propagate. */
  async function retrying<T>(work: () => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await work();
      } catch (err) {
        if (!(err instanceof ConnectionError) || attempt >= maxAttempts) throw err;
        options.onRetry?.();
        await sleep(backoffDelay(attempt - 1, { ...RELAY_BACKOFF, ...options.backoff }), undefined, {
          signal,
        });
      }
    }
  }

  async function fetchCatalog(): Promise<FunctionCatalog> {
    const backends = await httpRequest(`${origin}/backends`, { timeoutMs: CATALOG_TIMEOUT_MS, signal });
    if (backends.status !== 200) throw new Error(`GET /backends answered HTTP ${backends.status}`);
    const definitions = definitionsFromBackends(JSON.parse(backends.body));
    const listing = await httpRequest(triggerUrl(KEY_LISTING_PROBE), {
      method: "POST",
      timeoutMs: CATALOG_TIMEOUT_MS,
      signal,
    });
    return { definitions, keys: triggerKeysFromListing(listing.body, definitions), fetchedAt: Date.now() };
  }

  function catalog(maxAgeMs: number): Promise<FunctionCatalog> {
    if (cached && Date.now() - cached.fetchedAt <= maxAgeMs) return Promise.resolve(cached);
    inFlight ??= retrying(fetchCatalog)
      .then((fresh) => (cached = fresh))
      .finally(() => (inFlight = undefined));
    return inFlight;
  }

  return {
    catalog,
    async call(definitionId, { headers, body, timeoutMs, catalogMaxAgeMs }) {
      let current = await catalog(catalogMaxAgeMs);
      for (let refreshed = false; ; refreshed = true) {
        const key = current.keys.get(definitionId);
        const answer: HttpAnswer = key
          ? await retrying(() =>
              httpRequest(triggerUrl(key), { method: "POST", headers, body, timeoutMs, signal }),
            )
          : { status: 404, body: `no trigger key is listed for ${definitionId}` };
        if (refreshed || (answer.status !== 404 && answer.status !== 204)) return answer;
        current = await catalog(0);
        if (answer.status === 204 && current.keys.get(definitionId) === key) return answer;
      }
    },
  };
}
