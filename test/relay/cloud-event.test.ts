/**
 * The relay's CloudEvent, handed to real firebase-functions v2 handlers the way the Functions
 * emulator's worker hands it over (each `ce-` header an attribute, the base64-decoded body as `data`):
 * the handlers must see what they would see on the platform.
 */
import assert from "node:assert/strict";
import type { Document, DocumentChange } from "@aideon-perf/local-firestore";
import { deleteApp, initializeApp, type App } from "firebase-admin/app";
import { GeoPoint, Timestamp } from "firebase-admin/firestore";
import {
  onDocumentCreated,
  onDocumentCreatedWithAuthContext,
  onDocumentDeleted,
  onDocumentUpdated,
  onDocumentWritten,
} from "firebase-functions/firestore";
import { app as functionsApp, type CloudEvent, type CloudFunction } from "firebase-functions/v2";
import { eventId, firestoreCloudEvent, headerValue, rfc3339 } from "../../dev/stack/relay/cloud-event";
import { changedFieldPaths, documentEventDataType } from "../../dev/stack/relay/document-event-data";
import { firestoreTriggers, type FirestoreTrigger } from "../../dev/stack/relay/firestore-triggers";

const PROJECT = "demo-relay-unit";

const trigger = (name: string, type: string, document: string): FirestoreTrigger =>
  firestoreTriggers([
    {
      id: `us-central1-${name}`,
      name,
      region: "us-central1",
      entryPoint: name,
      eventTrigger: {
        eventType: `google.cloud.firestore.document.v1.${type}`,
        eventFilters: { database: "(default)", namespace: "(default)" },
        eventFilterPathPatterns: { document },
      },
    },
  ])[0]!;

const fullName = (path: string) => `projects/${PROJECT}/databases/(default)/documents/${path}`;

/** A document in the plain-object shape the local server hands out (proto-loader, longs as strings). */
const doc = (path: string, fields: Document["fields"], updateSeconds = 1_700_000_100): Document => ({
  name: fullName(path),
  fields,
  createTime: { seconds: "1700000000", nanos: 123_456_000 },
  updateTime: { seconds: String(updateSeconds), nanos: 5_000 },
});

const richFields: Document["fields"] = {
  int: { integerValue: "9007199254740993" },
  double: { doubleValue: 1.5 },
  str: { stringValue: "héllo" },
  bool: { booleanValue: true },
  nil: { nullValue: "NULL_VALUE" },
  time: { timestampValue: { seconds: "1700000000", nanos: 42_000 } },
  bytes: { bytesValue: Buffer.from([1, 2, 3]) },
  geo: { geoPointValue: { latitude: 1.25, longitude: -2.5 } },
  ref: { referenceValue: fullName("other/x") },
  list: { arrayValue: { values: [{ integerValue: "1" }, { stringValue: "two" }] } },
  map: { mapValue: { fields: { nested: { mapValue: { fields: { deep: { booleanValue: false } } } } } } },
};

/** What the Functions emulator's worker passes to the function: ce- headers as attributes, data a Buffer. */
function asDelivered(change: DocumentChange, t: FirestoreTrigger): Record<string, unknown> {
  const { headers, body } = firestoreCloudEvent(change, t, "us-central1");
  const event: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(headers))
    if (name.startsWith("ce-")) event[name.slice(3)] = value;
  event.data = Buffer.from(body.toString("utf8"), "base64");
  return event;
}

let lastEvent: unknown;
const keep = (event: unknown) => void (lastEvent = event);

/** Calls a v2 function (its handler `keep`) with a delivered event; returns the event the handler saw. */
async function deliverTo<E extends CloudEvent<unknown>>(fn: CloudFunction<E>, raw: unknown): Promise<E> {
  lastEvent = undefined;
  await (fn as unknown as (raw: unknown) => unknown)(raw);
  assert.ok(lastEvent, "the handler did not run");
  return lastEvent as E;
}

describe("relay: the CloudEvent firebase-functions decodes", () => {
  // Snapshots are built with firebase-functions' admin app; give it one, as the emulator does.
  let adminApp: App;
  before(() => {
    adminApp = initializeApp({ projectId: PROJECT }, "relay-cloud-event-test");
    functionsApp.setEmulatedAdminApp(adminApp);
  });
  after(async () => {
    functionsApp.setEmulatedAdminApp(undefined as unknown as App);
    await deleteApp(adminApp);
  });

  it("a create reaches onDocumentCreated with params, data, times and the event attributes", async () => {
    const t = trigger("created", "created", "items/{itemId}");
    const c: DocumentChange = {
      name: fullName("items/a1"),
      before: null,
      after: doc("items/a1", richFields),
      commitTime: { seconds: "1700000100", nanos: 5_000 },
    };
    const event = await deliverTo(onDocumentCreated("items/{itemId}", keep), asDelivered(c, t));
    assert.equal(event.id, eventId(c.name, c.commitTime, t.eventType));
    assert.equal(event.type, "google.cloud.firestore.document.v1.created");
    assert.equal(event.source, `//firestore.googleapis.com/projects/${PROJECT}/databases/(default)`);
    assert.equal(event.subject, "documents/items/a1");
    assert.equal(event.time, "2023-11-14T22:15:00.000005Z");
    assert.deepEqual(
      [event.project, event.database, event.namespace, event.document, event.location],
      [PROJECT, "(default)", "(default)", "items/a1", "us-central1"],
    );
    assert.deepEqual(event.params, { itemId: "a1" });
    const snap = event.data!;
    assert.equal(snap.ref.path, "items/a1");
    assert.equal(snap.createTime?.toMillis(), 1_700_000_000_123);
    assert.deepEqual(snap.data(), {
      int: 9007199254740992, // firebase-admin's default: integers as JS numbers (precision lost past 2^53)
      double: 1.5,
      str: "héllo",
      bool: true,
      nil: null,
      time: new Timestamp(1_700_000_000, 42_000),
      bytes: Buffer.from([1, 2, 3]),
      geo: new GeoPoint(1.25, -2.5),
      ref: snap.ref.firestore.doc("other/x"),
      list: [1, "two"],
      map: { nested: { deep: false } },
    });
  });

  it("an update reaches onDocumentUpdated (nested pattern) with before and after", async () => {
    const t = trigger("updated", "updated", "users/{userId}/{rest=**}");
    const path = "users/u1/posts/p1/comments/c1";
    const c: DocumentChange = {
      name: fullName(path),
      before: doc(path, { n: { integerValue: "1" }, keep: { stringValue: "k" } }),
      after: doc(path, { n: { integerValue: "2" }, keep: { stringValue: "k" } }, 1_700_000_200),
      commitTime: { seconds: "1700000200", nanos: 5_000 },
    };
    const event = await deliverTo(onDocumentUpdated("users/{userId}/{rest=**}", keep), asDelivered(c, t));
    assert.deepEqual(event.params, { userId: "u1", rest: "posts/p1/comments/c1" });
    assert.deepEqual(event.data!.before.data(), { n: 1, keep: "k" });
    assert.deepEqual(event.data!.after.data(), { n: 2, keep: "k" });
    assert.equal(event.data!.after.ref.path, path);
  });

  it("a delete reaches onDocumentDeleted with the deleted data, and onDocumentWritten with no after", async () => {
    const c: DocumentChange = {
      name: fullName("items/a1"),
      before: doc("items/a1", { n: { integerValue: "3" } }),
      after: null,
      commitTime: { seconds: "1700000300", nanos: 0 },
    };
    const deleted = await deliverTo(
      onDocumentDeleted("items/{itemId}", keep),
      asDelivered(c, trigger("deleted", "deleted", "items/{itemId}")),
    );
    assert.deepEqual(deleted.data!.data(), { n: 3 });
    const written = await deliverTo(
      onDocumentWritten("items/{itemId}", keep),
      asDelivered(c, trigger("written", "written", "items/{itemId}")),
    );
    assert.equal(written.type, "google.cloud.firestore.document.v1.written");
    assert.deepEqual(written.data!.before.data(), { n: 3 });
    assert.equal(written.data!.after.exists, false);
    assert.notEqual(written.id, deleted.id, "each event type is its own event");
  });

  it("withAuthContext triggers get an auth type (unknown: the local server knows no principals)", async () => {
    const c: DocumentChange = {
      name: fullName("items/a1"),
      before: null,
      after: doc("items/a1", {}),
      commitTime: { seconds: "1", nanos: 0 },
    };
    const event = await deliverTo(
      onDocumentCreatedWithAuthContext("items/{itemId}", keep),
      asDelivered(c, trigger("createdAuth", "created.withAuthContext", "items/{itemId}")),
    );
    assert.equal(event.type, "google.cloud.firestore.document.v1.created.withAuthContext");
    assert.equal(event.authType, "unknown");
  });

  it("document ids outside printable ASCII survive the headers (percent-encoded, decoded by firebase-functions)", async () => {
    const id = 'a b%2F"ü✓';
    const c: DocumentChange = {
      name: fullName(`items/${id}`),
      before: null,
      after: doc(`items/${id}`, {}),
      commitTime: { seconds: "1", nanos: 0 },
    };
    const raw = asDelivered(c, trigger("created", "created", "items/{itemId}"));
    assert.match(String(raw.document), /^[\x21-\x7e]+$/);
    const event = await deliverTo(onDocumentCreated("items/{itemId}", keep), raw);
    assert.deepEqual(event.params, { itemId: id });
    assert.equal(event.data!.id, id);
  });
});

describe("relay: event data and attributes", () => {
  it("the body decodes with firebase-functions' protos to the documents, with an update mask on updates", () => {
    const before = doc("items/a", {
      a: { integerValue: "1" },
      m: { mapValue: { fields: { x: { stringValue: "1" }, y: { stringValue: "same" } } } },
      gone: { booleanValue: true },
    });
    const after = doc("items/a", {
      a: { integerValue: "2" },
      m: { mapValue: { fields: { x: { stringValue: "2" }, y: { stringValue: "same" } } } },
      "new field": { nullValue: "NULL_VALUE" },
    });
    const c: DocumentChange = { name: before.name, before, after, commitTime: { seconds: "5", nanos: 0 } };
    const { body } = firestoreCloudEvent(c, trigger("w", "written", "items/{id}"), "us-central1");
    const type = documentEventDataType();
    const decoded = type.toObject(type.decode(Buffer.from(body.toString(), "base64")), {
      longs: String,
      enums: String,
    });
    assert.deepEqual(decoded.updateMask, { fieldPaths: ["a", "gone", "m.x", "`new field`"] });
    assert.deepEqual((decoded.value as Document).fields.a, { integerValue: "2" });
    assert.deepEqual((decoded.oldValue as Document).fields.gone, { booleanValue: true });
    assert.equal((decoded.value as Document).name, before.name);
    assert.deepEqual((decoded.value as Document).updateTime, { seconds: "1700000100", nanos: 5000 });
  });

  it("creates and deletes carry only value / only oldValue, and no mask", () => {
    const d = doc("items/a", { a: { integerValue: "1" } });
    const type = documentEventDataType();
    const decode = (c: DocumentChange) => {
      const { body } = firestoreCloudEvent(c, trigger("w", "written", "items/{id}"), "us-central1");
      return type.toObject(type.decode(Buffer.from(body.toString(), "base64")));
    };
    assert.deepEqual(
      Object.keys(decode({ name: d.name, before: null, after: d, commitTime: { seconds: "1" } })),
      ["value"],
    );
    assert.deepEqual(
      Object.keys(decode({ name: d.name, before: d, after: null, commitTime: { seconds: "1" } })),
      ["oldValue"],
    );
  });

  it("changed field paths descend into maps and quote non-identifier segments", () => {
    assert.deepEqual(
      changedFieldPaths(
        {
          a: { mapValue: { fields: { b: { integerValue: "1" }, "c-d": { integerValue: "1" } } } },
          e: { integerValue: "1" },
        },
        {
          a: { mapValue: { fields: { b: { integerValue: "1" }, "c-d": { integerValue: "2" } } } },
          e: { mapValue: { fields: {} } },
        },
      ),
      ["a.`c-d`", "e"],
    );
  });

  it("the event id is stable for a change and event type, and differs otherwise", () => {
    const ts = { seconds: "10", nanos: 1000 };
    assert.equal(
      eventId("projects/p/databases/(default)/documents/a/b", ts, "t1"),
      eventId("projects/p/databases/(default)/documents/a/b", { ...ts }, "t1"),
    );
    assert.notEqual(
      eventId("projects/p/databases/(default)/documents/a/b", ts, "t1"),
      eventId("projects/p/databases/(default)/documents/a/b", ts, "t2"),
    );
    assert.notEqual(
      eventId("projects/p/databases/(default)/documents/a/b", ts, "t1"),
      eventId("projects/p/databases/(default)/documents/a/b", { seconds: "10", nanos: 2000 }, "t1"),
    );
    assert.match(eventId("x", ts, "t"), /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
  });

  it("times are RFC 3339 with microseconds; header values are printable ASCII", () => {
    assert.equal(rfc3339({ seconds: "0", nanos: 0 }), "1970-01-01T00:00:00.000000Z");
    assert.equal(rfc3339({ seconds: 1_700_000_000, nanos: 999_999_999 }), "2023-11-14T22:13:20.999999Z");
    assert.equal(headerValue("plain/path-1_~"), "plain/path-1_~");
    assert.equal(headerValue('a b%"é'), "a%20b%25%22%C3%A9");
  });
});
