/**
 * The stored-document converters against a real Firestore API server: a valid document comes back as
 * written, and a document that drifted from its schema fails naming its collection, document and field.
 */
import assert from "node:assert/strict";
import { Timestamp, type FirestoreDataConverter } from "firebase-admin/firestore";
import { adminDb, clearFirestore, ensureFirestore } from "../../test/support/firestore";
import { COLLECTIONS } from "../src/firestore";
import {
  storedNameRollupConverter,
  storedRollupConverter,
  storedShardConverter,
  type StoredNameRollup,
  type StoredRollup,
  type StoredShard,
} from "../src/stored/aggregates";
import { bucketKey } from "@aideon-perf/core";
import { nameRollupDocumentId, rollupDocumentId } from "../src/aggregation/shards";
import { statsStore } from "../src/aggregation/stats-store";
import { addAbandonedTrace, emptyDelta, nameKey } from "../src/aggregation/trace-stats";
import { storedSlowOperationConverter, type StoredSlowOperation } from "../src/stored/slow-operations";
import { StoredDocumentError } from "../src/stored/stored-document";
import { storedTraceBatchConverter, type StoredTraceBatch } from "../src/stored/trace-batches";
import { storedTraceConverter, type StoredTrace } from "../src/stored/traces";
import { withoutBackgroundTriggers } from "./helpers";

const at = (iso: string) => Timestamp.fromMillis(Date.parse(iso));

const trace: StoredTrace = {
  name: "checkout",
  trace_type: "HTTP_REQUEST",
  attributes: { method: "POST", retried: false, attempt: 2 },
  metrics: { bytes: 512 },
  status: "finished",
  owner_uid: "alice",
  start_time: at("2026-12-02T12:00:00.000Z"),
  end_time: at("2026-12-02T12:00:01.250Z"),
  duration: 1.25,
  expire_at: at("2027-01-01T12:00:00.000Z"),
  aggregated: true,
};

const batch: StoredTraceBatch = {
  batch_id: "b-1",
  owner_uid: "alice",
  chunk: 0,
  chunk_count: 1,
  trace_count: 2,
  traces: [
    { name: "load", trace_type: "CUSTOM_TRACE", start_time: at("2026-12-02T12:00:00.000Z"), duration: 0.5, attributes: {}, metrics: {} },
    {
      name: "query",
      trace_type: "DATABASE_QUERY",
      start_time: at("2026-12-02T12:05:00.000Z"),
      client_start_time: at("2026-12-02T13:00:00.000Z"),
      duration: 0.02,
      attributes: { table: "orders" },
      metrics: { rows: 3 },
    },
  ],
  clamped_start_times: 1,
  received_at: at("2026-12-02T12:00:00.000Z"),
  expire_at: at("2027-01-01T12:00:00.000Z"),
};

const stats = { count: 2, sum: 1.5, min: 0.5, max: 1, sketch: { zero: 0, bins: { p0: 1, n35: 1 } }, slow: 1, abandoned: 1 };
const checkout = { name: "checkout", trace_type: "HTTP_REQUEST" as const, stats };

const shard: StoredShard = {
  minute: "202612021200",
  minute_start: Date.parse("2026-12-02T12:00:00.000Z"),
  shard: 7,
  folded: false,
  types: { HTTP_REQUEST: stats },
  names: { n0123456789abcdef0123: checkout },
  names_dropped: 3,
  expire_at: at("2026-12-04T12:00:00.000Z"),
};

const rollup: StoredRollup = { granularity: "all", bucket: "all", types: { HTTP_REQUEST: stats }, names_dropped: 0 };

const nameRollup: StoredNameRollup = {
  granularity: "hour",
  bucket: "2026120212",
  key: "n0123456789abcdef0123",
  ...checkout,
  expire_at: at("2026-12-10T12:00:00.000Z"),
};

const slowOperation: StoredSlowOperation = {
  timestamp: at("2026-12-02T12:00:03.000Z"),
  message: "Slow HTTP_REQUEST operation: checkout",
  type: "HTTP_REQUEST",
  name: "checkout",
  context: { duration: 3, threshold: 2, attributes: { method: "POST" } },
  expire_at: at("2027-01-01T12:00:00.000Z"),
};

interface ConverterCase<T> {
  collection: string;
  converter: FirestoreDataConverter<T>;
  valid: T;
  /** The valid document with one field broken: `field`. */
  malformed: Record<string, unknown>;
  field: string;
}

/** Round trip and one malformed document through one collection's converter (each case keeps its own type). */
function describeConverter<T>({ collection, converter, valid, malformed, field }: ConverterCase<T>): void {
  describe(collection, () => {
    it("reads back a valid document as written", async () => {
      const ref = adminDb().collection(collection).doc("valid").withConverter(converter);
      await ref.set(valid);
      assert.deepEqual((await ref.get()).data(), valid);
    });

    it("fails on a malformed stored document, naming the collection, document and field", async () => {
      const raw = adminDb().collection(collection).doc("malformed");
      await raw.set(malformed);
      await assert.rejects(raw.withConverter(converter).get().then((s) => s.data()), (e: unknown) => {
        assert.ok(e instanceof StoredDocumentError);
        assert.equal(e.documentPath, `${collection}/malformed`);
        assert.equal(e.field, field);
        assert.match(e.message, new RegExp(`^stored document ${collection}/malformed does not match its schema: ${field.replace(/\./g, "\\.")}: `));
        return true;
      });
    });
  });
}

describe("stored documents", function () {
  withoutBackgroundTriggers();
  before(ensureFirestore);
  beforeEach(clearFirestore);

  describeConverter({
    collection: COLLECTIONS.traces,
    converter: storedTraceConverter,
    valid: trace,
    malformed: { ...trace, start_time: "2026-12-02T12:00:00Z" },
    field: "start_time",
  });
  describeConverter({
    collection: COLLECTIONS.traceBatches,
    converter: storedTraceBatchConverter,
    valid: batch,
    malformed: { ...batch, traces: [batch.traces[0], { ...batch.traces[1], duration: -1 }] },
    field: "traces.1.duration",
  });
  describeConverter({
    collection: COLLECTIONS.aggregateShards,
    converter: storedShardConverter,
    valid: shard,
    malformed: { ...shard, names: { n0123456789abcdef0123: { ...checkout, stats: { ...stats, count: "2" } } } },
    field: "names.n0123456789abcdef0123.stats.count",
  });
  describeConverter({
    collection: COLLECTIONS.aggregateRollups,
    converter: storedRollupConverter,
    valid: rollup,
    malformed: { ...rollup, types: { HTTP_REQUEST: { ...stats, sketch: { bins: {} } } } },
    field: "types.HTTP_REQUEST.sketch.zero",
  });
  describeConverter({
    collection: COLLECTIONS.nameRollups,
    converter: storedNameRollupConverter,
    valid: nameRollup,
    malformed: { ...nameRollup, granularity: "week" },
    field: "granularity",
  });
  describeConverter({
    collection: COLLECTIONS.slowOperations,
    converter: storedSlowOperationConverter,
    valid: slowOperation,
    malformed: { ...slowOperation, context: { ...slowOperation.context, attributes: { "bad key": 1 } } },
    field: "context.attributes.bad key",
  });

  describe("the fold meeting a drifted rollup", () => {
    const minuteMs = Date.parse("2026-12-02T12:00:00.000Z");
    const drifted = [
      { collection: COLLECTIONS.aggregateRollups, id: rollupDocumentId("day", minuteMs), doc: { ...rollup, names_dropped: -1 }, field: "names_dropped" },
      {
        collection: COLLECTIONS.nameRollups,
        id: nameRollupDocumentId(bucketKey("hour", minuteMs), nameKey("HTTP_REQUEST", "checkout")),
        doc: { ...nameRollup, granularity: "week" },
        field: "granularity",
      },
    ];
    for (const { collection, id, doc, field } of drifted) {
      it(`fails naming ${collection}'s document and field, and writes nothing`, async () => {
        const store = statsStore(adminDb());
        const delta = emptyDelta();
        addAbandonedTrace(delta, "HTTP_REQUEST", "checkout");
        await adminDb().runTransaction(async (tx) => (await store.stageDelta(tx, delta, minuteMs, "trace-1"))());
        await adminDb().collection(collection).doc(id).set(doc);
        await assert.rejects(store.foldMinute(minuteMs), (e: unknown) => {
          assert.ok(e instanceof StoredDocumentError);
          assert.deepEqual([e.documentPath, e.field], [`${collection}/${id}`, field]);
          return true;
        });
        const shards = (await adminDb().collection(COLLECTIONS.aggregateShards).get()).docs;
        assert.deepEqual(shards.map((s) => s.get("folded")), [false], "the shard stays unfolded");
        const minuteRollup = await adminDb().collection(COLLECTIONS.aggregateRollups).doc(rollupDocumentId("minute", minuteMs)).get();
        assert.equal(minuteRollup.exists, false, "no rollup written");
      });
    }
  });
});
