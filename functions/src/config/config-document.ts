/**
 * A runtime configuration document perf_config/{id}: `{overrides: {...}}` on top of defaults, set by an
 * admin callable, read by functions through a short per-instance cache so a burst of events costs one
 * read. `null` for a key in set() removes that override (back to its default).
 */
import { FieldValue, type Firestore } from "firebase-admin/firestore";
import { COLLECTIONS } from "../firestore";

/** How stale a cached configuration may be: a change applies everywhere within this. */
export const CONFIG_CACHE_MS = 30_000;

export function configDocument<T, Overrides extends Record<string, unknown>>(
  db: Firestore,
  id: string,
  /** Defaults with the stored overrides applied. */
  resolve: (storedOverrides: unknown) => T,
  now: () => number = Date.now,
) {
  const ref = () => db.collection(COLLECTIONS.config).doc(id);
  let cached: { at: number; value: T } | undefined;

  return {
    async get(): Promise<T> {
      if (cached && now() - cached.at < CONFIG_CACHE_MS) return cached.value;
      cached = { at: now(), value: resolve((await ref().get()).get("overrides")) };
      return cached.value;
    },

    /** Sets the given keys' overrides (null resets one to its default) and returns the result. */
    async set(overrides: Overrides): Promise<T> {
      const update = Object.fromEntries(Object.entries(overrides).map(([key, v]) => [key, v === null ? FieldValue.delete() : v]));
      await ref().set({ overrides: update }, { merge: true });
      cached = undefined;
      return this.get();
    },
  };
}
