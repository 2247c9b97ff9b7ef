/**
 * A document change as the CloudEvent Eventarc delivers to a v2 Firestore trigger: binary content
 * mode, the Firestore extension attributes firebase-functions reads (project, database, namespace,
 * document, location; authtype for the withAuthContext types), a DocumentEventData body. Pure.
 */
import { createHash } from "node:crypto";
import type { DocumentChange, Timestamp } from "@aideon-perf/local-firestore";
import { encodeDocumentEventData } from "./document-event-data";
import { parseDocumentName, type FirestoreTrigger } from "./firestore-triggers";

const DATA_SCHEMA =
  "https://github.com/googleapis/google-cloudevents/blob/main/proto/google/events/cloud/firestore/v1/data.proto";
const NAMESPACE = "(default)";
/** The local server knows no principals, so withAuthContext triggers see Eventarc's "unknown". */
const AUTH_TYPE_UNKNOWN = "unknown";

export interface FirestoreCloudEvent {
  id: string;
  /** `ce-*` attributes and Content-Type for a POST to the Functions emulator (Content-Length is the sender's) */
  headers: Record<string, string>;
  body: Buffer;
}

/**
 * CloudEvents' HTTP binding percent-encodes header values outside printable ASCII (and `%`, `"`);
 * firebase-functions URI-decodes the params it extracts from `document` accordingly.
 */
export const headerValue = (value: string) =>
  value.replace(/[^\x21-\x7E]|[%"]/gu, (c) => encodeURIComponent(c));

/** Firestore times have microsecond precision; Eventarc writes them as RFC 3339 with six digits. */
export function rfc3339(ts: Timestamp): string {
  const seconds = Number(ts.seconds ?? 0);
  const micros = Math.floor((ts.nanos ?? 0) / 1000);
  return `${new Date(seconds * 1000).toISOString().slice(0, 19)}.${String(micros).padStart(6, "0")}Z`;
}

/**
 * Stable for a given change and event type, so a redelivery carries the id the first attempt had and
 * functions that key idempotency on `event.id` see a duplicate, as with Eventarc's at-least-once delivery.
 */
export function eventId(documentName: string, commitTime: Timestamp, eventType: string): string {
  const hex = createHash("sha256")
    .update(`${documentName}\n${commitTime.seconds ?? 0}.${commitTime.nanos ?? 0}\n${eventType}`)
    .digest("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

/**
 * The Functions emulator base64-decodes `application/protobuf` bodies before handing them to the
 * function (that is how the official Firestore emulator sends them), so the body is base64 text.
 */
export function firestoreCloudEvent(
  change: DocumentChange,
  trigger: FirestoreTrigger,
  location: string,
): FirestoreCloudEvent {
  const name = parseDocumentName(change.name);
  if (!name) throw new Error(`not a document name: ${change.name}`);
  const id = eventId(change.name, change.commitTime, trigger.eventType);
  const body = Buffer.from(
    Buffer.from(encodeDocumentEventData(change.before, change.after)).toString("base64"),
  );
  const headers: Record<string, string> = {
    "content-type": "application/protobuf",
    "ce-specversion": "1.0",
    "ce-id": id,
    "ce-source": headerValue(
      `//firestore.googleapis.com/projects/${name.project}/databases/${name.database}`,
    ),
    "ce-type": trigger.eventType,
    "ce-subject": headerValue(`documents/${name.path}`),
    "ce-time": rfc3339(change.commitTime),
    "ce-dataschema": DATA_SCHEMA,
    "ce-location": location,
    "ce-project": headerValue(name.project),
    "ce-database": headerValue(name.database),
    "ce-namespace": NAMESPACE,
    "ce-document": headerValue(name.path),
  };
  if (trigger.withAuthContext) headers["ce-authtype"] = AUTH_TYPE_UNKNOWN;
  return { id, headers, body };
}
