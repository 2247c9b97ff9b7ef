import functionsTest from "firebase-functions-test";
import type { CallableFunction } from "firebase-functions/https";
import { TEST_PROJECT_ID } from "../../test/support/firestore";
import { loadFunctionsEnv } from "../../test/support/functions-env";

export const fft = functionsTest({ projectId: TEST_PROJECT_ID });

loadFunctionsEnv();
/** The harness stands in for the Functions emulator: what lets alerts post to plain-http loopback receivers. */
process.env.FUNCTIONS_EMULATOR ??= "true";

export interface Caller {
  uid: string;
  /** Custom claims on the caller's ID token (e.g. admin: true). */
  claims?: Record<string, unknown>;
}

/** Calls a v2 callable in-process the way the platform would, as `caller` (or signed out). */
export function call<T>(
  fn: CallableFunction<unknown, Promise<T>>,
  data: unknown,
  caller?: Caller,
): Promise<T> {
  const wrapped = fft.wrap(fn) as unknown as (req: unknown) => Promise<T>;
  return wrapped({
    data,
    ...(caller ? { auth: { uid: caller.uid, token: { uid: caller.uid, ...caller.claims } } } : {}),
  });
}

/** `call` for answers whose inferred type is a union: the test states the shape it expects. */
export function callAs<T>(
  fn: CallableFunction<unknown, unknown>,
  data: unknown,
  caller?: Caller,
): Promise<T> {
  return call(fn as CallableFunction<unknown, Promise<T>>, data, caller);
}

/** The HttpsError a call rejected with, or a failure if it did not reject. */
export async function rejection(
  p: Promise<unknown>,
): Promise<{ code: string; message: string; details?: { field?: string } }> {
  try {
    await p;
  } catch (e) {
    return e as { code: string; message: string; details?: { field?: string } };
  }
  throw new Error("expected the call to be rejected");
}

export const alice: Caller = { uid: "alice-uid" };
export const bob: Caller = { uid: "bob-uid" };
export const admin: Caller = { uid: "admin-uid", claims: { admin: true } };

export function recordedTrace(i: number, overrides: Record<string, unknown> = {}) {
  return {
    name: `GET /api/items/${i % 5}`,
    trace_type: "HTTP_REQUEST",
    // A minute ago: inside the allowed clock skew, so stored as the client sent it.
    start_time: new Date(Date.now() - 60_000).toISOString(),
    duration: 0.01 * (i + 1),
    attributes: { method: "GET", status_code: 200, cached: i % 2 === 0 },
    metrics: { response_size: 100 + i },
    ...overrides,
  };
}

/**
 * These suites call the handlers themselves (wrap / run). Under `npm test` the emulators would also
 * fire the real triggers for the same writes and race them, so background triggers are paused for
 * the suite through the emulator hub (a no-op when no hub runs).
 */
export function withoutBackgroundTriggers(): void {
  const toggle = async (state: "disable" | "enable") => {
    const hub = process.env.FIREBASE_EMULATOR_HUB;
    if (!hub) return;
    const res = await fetch(`http://${hub}/functions/${state}BackgroundTriggers`, { method: "PUT" });
    if (!res.ok) throw new Error(`emulator hub refused to ${state} background triggers: HTTP ${res.status}`);
  };
  before(() => toggle("disable"));
  after(() => toggle("enable"));
}
