/**
 * What the fixture functions recorded (documents they add to `relay_log`), read off the local
 * Firestore's change feed as they are written, and the changes the test itself made.
 */
import type { DocumentChange, LocalFirestore, Value } from "@aideon-perf/local-firestore";
import { setTimeout as sleep } from "node:timers/promises";

export type Plain = null | boolean | number | string | Plain[] | { [key: string]: Plain };

/** Firestore values as the JSON-ish plain values the fixture wrote. */
export function plain(value: Value): Plain {
  if (value.mapValue)
    return Object.fromEntries(Object.entries(value.mapValue.fields ?? {}).map(([k, v]) => [k, plain(v)]));
  if (value.arrayValue) return (value.arrayValue.values ?? []).map(plain);
  if (value.stringValue !== undefined) return value.stringValue;
  if (value.booleanValue !== undefined) return value.booleanValue;
  if (value.integerValue !== undefined) return Number(value.integerValue);
  if (value.doubleValue !== undefined) return value.doubleValue;
  if (value.timestampValue) return new Date(Number(value.timestampValue.seconds ?? 0) * 1000).toISOString();
  return null;
}

export interface Recorder {
  /** every relay_log record so far, in commit order */
  records: Array<Record<string, Plain>>;
  /** every change to a document outside relay_log, in commit order */
  changes: DocumentChange[];
  /** Waits until `predicate` holds over the records (bounded). */
  until(predicate: (records: Array<Record<string, Plain>>) => boolean, timeoutMs?: number): Promise<void>;
  stop(): void;
}

export function recordEvents(firestore: Pick<LocalFirestore, "onDocumentChange">): Recorder {
  const records: Array<Record<string, Plain>> = [];
  const changes: DocumentChange[] = [];
  const stop = firestore.onDocumentChange((change) => {
    if (!/\/documents\/relay_log\//.test(change.name)) changes.push(change);
    else if (!change.before && change.after)
      records.push(plain({ mapValue: { fields: change.after.fields } }) as Record<string, Plain>);
  });
  return {
    records,
    changes,
    async until(predicate, timeoutMs = 15_000) {
      const deadline = Date.now() + timeoutMs;
      while (!predicate(records)) {
        if (Date.now() > deadline)
          throw new Error(`timed out; records so far:\n${JSON.stringify(records, null, 1)}`);
        await sleep(50);
      }
    },
    stop,
  };
}
