/**
 * Server time rules: client-reported times clamped to the server's receive time within the allowed
 * skew (recorded, not silent), expire_at from server time, and a TTL policy on every growing collection.
 * The trace service runs on a fixed server clock against a real Firestore API server.
 */
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import path from "node:path";
import type { Timestamp } from "firebase-admin/firestore";
import { DAY_MS, recordTracesRequestSchema } from "@aideon-perf/core";
import { PERFORMANCE_THRESHOLDS } from "@aideon-perf/core";
import { clientTimeEdges } from "../../packages/core/test/fixtures/client-time-edges";
import { adminDb, clearFirestore, ensureFirestore } from "../../test/support/firestore";
import { COLLECTIONS } from "../src/firestore";
import { BENCHMARK_SCRATCH_COLLECTION } from "../src/rest/benchmark/firestore";
import { RATE_LIMITS_COLLECTION } from "../src/rest/rate-limit";
import { traceService } from "../src/traces/trace-service";
import { recordedTrace, withoutBackgroundTriggers } from "./helpers";

const SERVER_MS = Date.parse("2026-12-02T12:00:00.000Z");
const RETENTION_DAYS = 30;

describe("server time rules", function () {
  describe("recordTraces on a fixed server clock (real Firestore)", () => {
    withoutBackgroundTriggers();
    before(ensureFirestore);
    beforeEach(clearFirestore);

    const service = () =>
      traceService({
        db: adminDb(),
        admit: async () => {},
        healthFlags: async (_p, slow) => slow.map(() => true),
        thresholds: async () => PERFORMANCE_THRESHOLDS,
        now: () => SERVER_MS,
        newTraceId: randomUUID,
        retentionDays: () => RETENTION_DAYS,
      });

    /** Records one trace starting at `startMs` and returns its stored chunk document. */
    async function recordAt(startMs: number) {
      const batchId = randomUUID();
      await service().recordTraces(
        { id: "alice-uid", kind: "anonymous", trusted: false },
        recordTracesRequestSchema.parse({
          batch_id: batchId,
          traces: [recordedTrace(0, { start_time: startMs })],
        }),
      );
      const docs = (
        await adminDb().collection(COLLECTIONS.traceBatches).where("batch_id", "==", batchId).get()
      ).docs;
      assert.equal(docs.length, 1);
      const doc = docs[0]!.data();
      const [trace] = doc.traces as Array<{ start_time: Timestamp; client_start_time?: Timestamp }>;
      return { doc, trace: trace! };
    }

    for (const [label, clientMs, storedMs] of clientTimeEdges(SERVER_MS)) {
      const clamped = clientMs !== storedMs;
      it(`${clamped ? "clamps and records" : "keeps"} a start_time ${label}`, async () => {
        const { doc, trace } = await recordAt(clientMs);
        assert.equal(trace.start_time.toMillis(), storedMs);
        assert.equal(
          trace.client_start_time?.toMillis(),
          clamped ? clientMs : undefined,
          "the client's own value is kept only when moved",
        );
        assert.equal(doc.clamped_start_times, clamped ? 1 : 0);
        assert.equal((doc.expire_at as Timestamp).toMillis(), SERVER_MS + RETENTION_DAYS * DAY_MS);
      });
    }

    it("expires a batch from a far-future client at server time + retention", async () => {
      const { doc, trace } = await recordAt(Date.parse("2099-12-31T23:59:59Z"));
      assert.equal((doc.expire_at as Timestamp).toMillis(), SERVER_MS + RETENTION_DAYS * DAY_MS);
      assert.equal(trace.client_start_time?.toDate().toISOString(), "2099-12-31T23:59:59.000Z");
    });
  });

  describe("TTL policies (firestore.indexes.json)", () => {
    /** Collections that do not grow with traffic, so carry no expire_at: one document per host, key, setting or evaluation. */
    const BOUNDED: Record<string, string> = {
      [COLLECTIONS.agentKeys]: "one per agent key an admin created",
      [COLLECTIONS.ingestKeys]: "one per ingest key an admin created",
      [COLLECTIONS.hosts]: "one per host",
      [COLLECTIONS.health]: "the latest evaluation only",
      [COLLECTIONS.config]: "a few settings documents",
    };
    const overrides = (
      JSON.parse(readFileSync(path.join(__dirname, "..", "..", "firestore.indexes.json"), "utf8")) as {
        fieldOverrides: Array<{ collectionGroup: string; fieldPath: string; ttl?: boolean }>;
      }
    ).fieldOverrides;
    const withTtl = new Set(
      overrides.filter((o) => o.ttl === true && o.fieldPath === "expire_at").map((o) => o.collectionGroup),
    );

    for (const name of [
      ...Object.values(COLLECTIONS),
      RATE_LIMITS_COLLECTION,
      BENCHMARK_SCRATCH_COLLECTION,
    ]) {
      if (name in BOUNDED) {
        it(`${name} is bounded (${BOUNDED[name]}): no TTL policy`, () => assert.ok(!withTtl.has(name)));
      } else {
        it(`${name} grows: its expire_at has a TTL policy`, () =>
          assert.ok(withTtl.has(name), `add a ttl override on ${name}.expire_at`));
      }
    }

    it("exempts the host series' samples map from indexing", () => {
      assert.ok(
        overrides.some(
          (o) => o.collectionGroup === COLLECTIONS.hostSeries && o.fieldPath === "samples" && !o.ttl,
        ),
      );
    });
  });
});
