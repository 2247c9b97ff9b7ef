/**
 * A runtime configuration document perf_config/{id}: `{overrides: {...}}` on top of defaults, set by an
 * admin callable, read by functions through a short per-instance cache so a burst of events costs one
 * read. `null` for a key in set() removes that override (back to its default).
 */
import { FieldValue, type Firestore } from "firebase-admin/firestore";
import { COLLECTIONS } from "../firestore";
import { StoredDocumentError, type StoredConverter } from "../stored/stored-document";

/** How stale a cached configuration may be: a change applies everywhere within this. */
export const CONFIG_CACHE_MS = 30_000;

export interface ConfigDocumentSpec<T, Stored extends { overrides?: object }> {
  id: string;
  /** The document's stored shape (stored/config.ts): every read is validated by it. */
  converter: StoredConverter<Stored>;
  /** Defaults with the stored overrides applied (undefined: no document yet). */
  resolve: (storedOverrides: Stored["overrides"] | undefined) => T;
  /** What a document that does not match its stored shape resolves to; without it, the read fails. */
  onInvalid?: (error: StoredDocumentError) => T;
}

export function configDocument<
  T,
  Overrides extends Record<string, unknown>,
  Stored extends { overrides?: object },
>(db: Firestore, spec: ConfigDocumentSpec<T, Stored>, now: () => number = Date.now) {
  const ref = () => db.collection(COLLECTIONS.config).doc(spec.id);
  let cached: { at: number; value: T } | undefined;

  async function read(): Promise<T> {
    try {
      return spec.resolve((await ref().withConverter(spec.converter).get()).data()?.overrides);
    } catch (e) {
      if (e instanceof StoredDocumentError && spec.onInvalid) return spec.onInvalid(e);
      throw e;
    }
  }

  return {
    async get(): Promise<T> {
      if (cached && now() - cached.at < CONFIG_CACHE_MS) return cached.value;
      cached = { at: now(), value: await read() };
      return cached.value;
    },

    /**
     * Sets the given keys' overrides (null resets one to its default) and returns the result. A merge
     * with FieldValue.delete() sentinels, so written on the plain reference: the converter types reads.
     */
    async set(overrides: Overrides): Promise<T> {
      const update = Object.fromEntries(
        Object.entries(overrides).map(([key, v]) => [key, v === null ? FieldValue.delete() : v]),
      );
      await ref().set({ overrides: update }, { merge: true });
      cached = undefined;
      return this.get();
    },
  };
}
