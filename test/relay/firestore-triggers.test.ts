import assert from "node:assert/strict";
import type { Document, DocumentChange } from "@aideon-perf/local-firestore";
import { changeKind, firestoreTriggers, triggersFor } from "../../dev/stack/relay/firestore-triggers";
import {
  definitionsFromBackends,
  triggerKeysFromListing,
  type FunctionDefinition,
} from "../../dev/stack/relay/function-definitions";

const firestoreDef = (
  name: string,
  type: string,
  document: string,
  exact = false,
  database = "(default)",
): FunctionDefinition => {
  const eventFilters: Record<string, string> = { database, namespace: "(default)" };
  const eventFilterPathPatterns: Record<string, string> = {};
  (exact ? eventFilters : eventFilterPathPatterns).document = document;
  return {
    entryPoint: name,
    region: "us-central1",
    name,
    id: `us-central1-${name}`,
    timeoutSeconds: 60,
    eventTrigger: {
      eventType: `google.cloud.firestore.document.v1.${type}`,
      eventFilters,
      eventFilterPathPatterns,
    },
  };
};

/** The shape `GET /backends` answers (abridged from a real answer of the Functions emulator). */
const backends = {
  backends: [
    {
      directory: "/somewhere/functions",
      env: {},
      functionTriggers: [
        firestoreDef("onCreate", "created", "items/{itemId}"),
        firestoreDef("onUpdate", "updated", "users/{userId}/{rest=**}"),
        firestoreDef("onDelete", "deleted", "items/{itemId}"),
        firestoreDef("onWrite", "written", "items/{itemId}"),
        firestoreDef("onCreateAuth", "created.withAuthContext", "items/{itemId}"),
        firestoreDef("exact", "written", "config/main", true),
        firestoreDef("otherDb", "written", "items/{itemId}", false, "analytics"),
        {
          name: "callable",
          id: "us-central1-callable",
          region: "us-central1",
          entryPoint: "callable",
          httpsTrigger: {},
        },
        {
          name: "tick",
          id: "us-central1-tick",
          region: "us-central1",
          entryPoint: "tick",
          eventTrigger: { eventType: "pubsub", resource: "" },
          schedule: { schedule: "every 1 minutes", timeZone: null },
        },
      ],
    },
  ],
};

const doc = (path: string, fields: Document["fields"]): Document => ({
  name: `projects/p/databases/(default)/documents/${path}`,
  fields,
  createTime: { seconds: "1", nanos: 0 },
  updateTime: { seconds: "2", nanos: 0 },
});
const change = (
  path: string,
  before: Document["fields"] | null,
  after: Document["fields"] | null,
  database = "(default)",
): DocumentChange => ({
  name: `projects/p/databases/${database}/documents/${path}`,
  before: before && doc(path, before),
  after: after && doc(path, after),
  commitTime: { seconds: "2", nanos: 5000 },
});
const names = (c: DocumentChange) =>
  triggersFor(c, firestoreTriggers(definitionsFromBackends(backends)))
    .map((t) => t.name)
    .sort();

describe("relay: which triggers a change reaches", () => {
  it("reads only the Firestore triggers from the emulator's definitions", () => {
    const triggers = firestoreTriggers(definitionsFromBackends(backends));
    assert.deepEqual(
      triggers.map((t) => [t.name, t.kind, t.withAuthContext, t.database]),
      [
        ["onCreate", "created", false, "(default)"],
        ["onUpdate", "updated", false, "(default)"],
        ["onDelete", "deleted", false, "(default)"],
        ["onWrite", "written", false, "(default)"],
        ["onCreateAuth", "created", true, "(default)"],
        ["exact", "written", false, "(default)"],
        ["otherDb", "written", false, "analytics"],
      ],
    );
  });

  it("a create reaches created and written triggers", () => {
    assert.deepEqual(names(change("items/a", null, { n: { integerValue: "1" } })), [
      "onCreate",
      "onCreateAuth",
      "onWrite",
    ]);
  });

  it("an update reaches updated and written triggers, through nested patterns", () => {
    assert.deepEqual(names(change("items/a", { n: { integerValue: "1" } }, { n: { integerValue: "2" } })), [
      "onWrite",
    ]);
    assert.deepEqual(
      names(change("users/u/posts/p", { n: { integerValue: "1" } }, { n: { integerValue: "2" } })),
      ["onUpdate"],
    );
  });

  it("a delete reaches deleted and written triggers", () => {
    assert.deepEqual(names(change("items/a", { n: { integerValue: "1" } }, null)), ["onDelete", "onWrite"]);
  });

  it("an exact document filter and the database are honoured", () => {
    assert.deepEqual(names(change("config/main", null, {})), ["exact"]);
    assert.deepEqual(names(change("config/other", null, {})), []);
    assert.deepEqual(names(change("items/a", null, {}, "analytics")), ["otherDb"]);
  });

  it("a write that leaves the data as it was is no event", () => {
    const same = { n: { integerValue: "1" }, m: { mapValue: { fields: { x: { stringValue: "y" } } } } };
    assert.equal(changeKind(change("items/a", same, structuredClone(same))), null);
    assert.deepEqual(names(change("items/a", same, structuredClone(same))), []);
  });
});

describe("relay: trigger keys", () => {
  const definitions = definitionsFromBackends(backends);

  it("lists each function once though /backends repeats earlier generations' records", () => {
    const [backend] = backends.backends;
    const repeated = {
      backends: [
        { ...backend, functionTriggers: [...backend!.functionTriggers, ...backend!.functionTriggers] },
      ],
    };
    assert.deepEqual(
      definitionsFromBackends(repeated).map((d) => d.id),
      definitions.map((d) => d.id),
    );
  });

  it("takes each function's highest listed generation", () => {
    const listing =
      "Function x does not exist, valid functions are: us-central1-callable, us-central1-onCreate-0, us-central1-tick-0, " +
      "us-central1-onCreate-1, us-central1-tick-1";
    const keys = triggerKeysFromListing(listing, definitions);
    assert.equal(keys.get("us-central1-onCreate"), "us-central1-onCreate-1");
    assert.equal(keys.get("us-central1-tick"), "us-central1-tick-1");
    assert.equal(keys.has("us-central1-callable"), false, "HTTPS functions have no trigger key");
    assert.equal(keys.has("us-central1-onDelete"), false, "not listed");
  });

  it("does not mistake another function's id for a generation", () => {
    const defs: FunctionDefinition[] = [
      firestoreDef("item", "created", "items/{id}"),
      { name: "item-2", id: "us-central1-item-2", region: "us-central1", entryPoint: "item2" }, // an HTTPS function
    ];
    const keys = triggerKeysFromListing("valid functions are: us-central1-item-2, us-central1-item-0", defs);
    assert.equal(keys.get("us-central1-item"), "us-central1-item-0");
  });
});
