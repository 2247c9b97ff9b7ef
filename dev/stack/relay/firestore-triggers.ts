/**
 * Which v2 Firestore trigger functions a document change reaches, decided as the platform decides:
 * event type (created / updated / deleted / written, with or without auth context), database,
 * namespace and document pattern. Pure.
 */
import { isDeepStrictEqual } from "node:util";
import type { DocumentChange } from "@aideon-perf/local-firestore";
import { compileDocumentPattern, type DocumentPattern } from "./document-pattern";
import type { FunctionDefinition } from "./function-definitions";

const EVENT_TYPE_PREFIX = "google.cloud.firestore.document.v1.";
const WITH_AUTH_CONTEXT = ".withAuthContext";
const DEFAULT_DATABASE = "(default)";
const DEFAULT_NAMESPACE = "(default)";

export type ChangeKind = "created" | "updated" | "deleted";

export interface FirestoreTrigger {
  /** `{region}-{name}`, the emulator's definition id */
  id: string;
  name: string;
  eventType: string;
  kind: ChangeKind | "written";
  withAuthContext: boolean;
  database: string;
  namespace: string;
  pattern: DocumentPattern;
  timeoutSeconds: number;
}

export interface DocumentName {
  project: string;
  database: string;
  /** relative to `documents/`, e.g. `users/alice/posts/p1` */
  path: string;
}

const DOCUMENT_NAME = /^projects\/([^/]+)\/databases\/([^/]+)\/documents\/(.+)$/;

export function parseDocumentName(name: string): DocumentName | null {
  const m = DOCUMENT_NAME.exec(name);
  return m ? { project: m[1]!, database: m[2]!, path: m[3]! } : null;
}

export function firestoreTriggers(definitions: FunctionDefinition[]): FirestoreTrigger[] {
  const triggers: FirestoreTrigger[] = [];
  for (const def of definitions) {
    const eventType = def.eventTrigger?.eventType;
    if (!eventType?.startsWith(EVENT_TYPE_PREFIX)) continue;
    const withAuthContext = eventType.endsWith(WITH_AUTH_CONTEXT);
    const kind = eventType.slice(
      EVENT_TYPE_PREFIX.length,
      withAuthContext ? -WITH_AUTH_CONTEXT.length : undefined,
    );
    if (kind !== "created" && kind !== "updated" && kind !== "deleted" && kind !== "written") continue;
    const filters = def.eventTrigger?.eventFilters ?? {};
    // An exact document is an eventFilter, a pattern with wildcards an eventFilterPathPattern.
    const document = filters.document ?? def.eventTrigger?.eventFilterPathPatterns?.document;
    if (!document) continue;
    triggers.push({
      id: def.id,
      name: def.name,
      eventType,
      kind,
      withAuthContext,
      database: filters.database ?? DEFAULT_DATABASE,
      namespace: filters.namespace ?? DEFAULT_NAMESPACE,
      pattern: compileDocumentPattern(document),
      timeoutSeconds: def.timeoutSeconds ?? 60,
    });
  }
  return triggers;
}

/**
 * What the change is to Firestore's triggers, or null when it is none: a write that leaves the
 * document's data as it was (a no-op write) is not an event.
 */
export function changeKind(change: Pick<DocumentChange, "before" | "after">): ChangeKind | null {
  if (!change.before) return change.after ? "created" : null;
  if (!change.after) return "deleted";
  return isDeepStrictEqual(change.before.fields ?? {}, change.after.fields ?? {}) ? null : "updated";
}

export function triggersFor(change: DocumentChange, triggers: FirestoreTrigger[]): FirestoreTrigger[] {
  const kind = changeKind(change);
  const name = parseDocumentName(change.name);
  if (!kind || !name) return [];
  return triggers.filter(
    (t) =>
      (t.kind === "written" || t.kind === kind) &&
      t.database === name.database &&
      t.namespace === DEFAULT_NAMESPACE &&
      t.pattern.match(name.path) !== null,
  );
}
