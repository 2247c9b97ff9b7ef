/** What an ingest key stored: the traces of its batches (perf_trace_batches carry ingest_key_id). */
import { COLLECTIONS } from "../../functions/src/firestore";
import { adminDb } from "./firestore";

export interface StoredBatchTrace {
  name: string;
  trace_type: string;
  attributes: Record<string, unknown>;
}

export async function storedTracesOfKey(keyId: string): Promise<StoredBatchTrace[]> {
  const snap = await adminDb().collection(COLLECTIONS.traceBatches).where("ingest_key_id", "==", keyId).get();
  return snap.docs.flatMap((d) => d.data().traces as StoredBatchTrace[]);
}

export function countBy<T>(items: readonly T[], key: (item: T) => string): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const item of items) counts[key(item)] = (counts[key(item)] ?? 0) + 1;
  return counts;
}
