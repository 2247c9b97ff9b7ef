/**
 * Ingest keys: the admin callables, and the REST recording routes with `Authorization: Bearer aik_...`
 * (record only, a principal of its own for the quotas, the key id on what it stores, revocation at once),
 * through the real handler and services against the test Firestore.
 */
import assert from "node:assert/strict";
import * as fns from "../../functions/src/index";
import { COLLECTIONS } from "../../functions/src/firestore";
import {
  admin,
  alice,
  call,
  recordedTrace,
  rejection,
  withoutBackgroundTriggers,
} from "../../functions/test/helpers";
import { adminDb, clearFirestore, ensureFirestore } from "../support/firestore";
import { assertJsonError, send } from "./support/http";
import type { Served } from "./support/serve";
import { serveApi, tokens } from "./support/world";

interface Created {
  success: true;
  key_id: string;
  name: string;
  key: string;
}

const RECORD = "/api/v1/performance/record-traces";

describe("ingest keys", function () {
  this.timeout(60_000);
  withoutBackgroundTriggers();
  let api: Served;
  before(async () => {
    await ensureFirestore();
    api = await serveApi({
      appCheck: { required: true, verify: () => Promise.reject(new Error("no App Check token here")) },
    });
  });
  beforeEach(clearFirestore);
  after(() => api.close());

  const createKey = (name = "orders-api", trusted?: boolean) =>
    call<Created>(fns.createIngestKey, { name, ...(trusted === undefined ? {} : { trusted }) }, admin);
  const batch = (id: string, n: number) => ({
    batch_id: id,
    traces: Array.from({ length: n }, (_, i) => recordedTrace(i)),
  });

  it("createIngestKey shows the key once and stores only its hash; listIngestKeys has no secret", async () => {
    const created = await createKey();
    assert.match(created.key, new RegExp(`^aik_${created.key_id}_[A-Za-z0-9_-]{43}$`));
    const stored = (await adminDb().collection(COLLECTIONS.ingestKeys).doc(created.key_id).get()).data()!;
    assert.equal(stored.name, "orders-api");
    assert.equal(stored.trusted, true);
    assert.equal(stored.created_by, admin.uid);
    assert.ok(
      !JSON.stringify(stored).includes(created.key.slice(`aik_${created.key_id}_`.length)),
      "the secret is not stored",
    );
    const listed = await call<{ keys: Array<Record<string, unknown>> }>(fns.listIngestKeys, {}, admin);
    assert.deepEqual(
      listed.keys.map((k) => [k.key_id, k.name, k.trusted, k.revoked_at]),
      [[created.key_id, "orders-api", true, null]],
    );
    assert.ok(!JSON.stringify(listed).includes(created.key), "no key in the list");
  });

  it("the key callables are for admins, and name the bad field", async () => {
    assert.equal(
      (await rejection(call(fns.createIngestKey, { name: "x" }, alice))).code,
      "permission-denied",
    );
    assert.equal((await rejection(call(fns.listIngestKeys, {}, alice))).code, "permission-denied");
    const bad = await rejection(call(fns.createIngestKey, { name: "" }, admin));
    assert.equal(bad.code, "invalid-argument");
    assert.equal(bad.details?.field, "name");
    assert.equal(
      (await rejection(call(fns.revokeIngestKey, { key_id: "A".repeat(20) }, admin))).code,
      "not-found",
    );
  });

  it("records through REST with the key, without App Check, as its own principal carrying the key id", async () => {
    const { key, key_id } = await createKey();
    const answer = await send(api.origin, "POST", RECORD, { token: key, body: batch("b1", 3) });
    assert.equal(answer.status, 200, answer.text);
    assert.deepEqual(answer.json, { success: true, batch_id: "b1", accepted: 3, duplicate: false });
    const docs = (await adminDb().collection(COLLECTIONS.traceBatches).get()).docs.map((d) => d.data());
    assert.equal(docs.length, 1);
    assert.equal(docs[0]!.owner_uid, `ingest-key:${key_id}`);
    assert.equal(docs[0]!.ingest_key_id, key_id);
    const quotas = (await adminDb().collection(COLLECTIONS.quotas).get()).docs.map((d) => d.data());
    assert.ok(
      quotas.some((q) => q.principal === `ingest-key:${key_id}` && q.principal_kind === "ingest_key"),
      "quota counted for the key",
    );
    // A retry of the same batch is stored once.
    const again = await send(api.origin, "POST", RECORD, { token: key, body: batch("b1", 3) });
    assert.equal((again.json as { duplicate?: boolean }).duplicate, true);
    assert.equal((await adminDb().collection(COLLECTIONS.traceBatches).get()).size, 1);
  });

  it("start-trace / add-metric / stop-trace work with a key too", async () => {
    const { key, key_id } = await createKey();
    const started = await send(api.origin, "POST", "/api/v1/performance/start-trace", {
      token: key,
      body: { name: "nightly-job" },
    });
    assert.equal(started.status, 200, started.text);
    const traceId = (started.json as { trace_id: string }).trace_id;
    assert.equal(
      (
        await send(api.origin, "POST", "/api/v1/performance/add-metric", {
          token: key,
          body: { trace_id: traceId, metric_name: "rows", value: 5 },
        })
      ).status,
      200,
    );
    assert.equal(
      (
        await send(api.origin, "POST", "/api/v1/performance/stop-trace", {
          token: key,
          body: { trace_id: traceId },
        })
      ).status,
      200,
    );
    const trace = (await adminDb().collection(COLLECTIONS.traces).doc(traceId).get()).data()!;
    assert.equal(trace.ingest_key_id, key_id);
    assert.equal(trace.status, "finished");
    assert.deepEqual(trace.metrics, { rows: 5 });
  });

  it("a key may only record: reads and configuration answer 403", async () => {
    const { key } = await createKey();
    assertJsonError(await send(api.origin, "GET", "/api/v1/performance/stats", { token: key }), 403, "stats");
    assertJsonError(
      await send(api.origin, "PUT", "/api/v1/performance/thresholds", {
        token: key,
        body: { thresholds: {} },
      }),
      403,
      "thresholds",
    );
  });

  it("a revoked, unknown or forged key is a 401 and nothing is stored; revocation is at once", async () => {
    const { key, key_id } = await createKey();
    assert.equal(
      (await send(api.origin, "POST", RECORD, { token: key, body: batch("before", 1) })).status,
      200,
    );
    await call(fns.revokeIngestKey, { key_id }, admin);
    assertJsonError(
      await send(api.origin, "POST", RECORD, { token: key, body: batch("after", 1) }),
      401,
      "revoked",
    );
    const forged = `${key.slice(0, -4)}AAAA`;
    const other = await createKey("other");
    assertJsonError(
      await send(api.origin, "POST", RECORD, { token: forged, body: batch("forged", 1) }),
      401,
      "forged",
    );
    assertJsonError(
      await send(api.origin, "POST", RECORD, { token: "aik_nonsense", body: batch("junk", 1) }),
      401,
      "malformed",
    );
    const ids = (await adminDb().collection(COLLECTIONS.traceBatches).get()).docs.map(
      (d) => d.data().batch_id,
    );
    assert.deepEqual(ids, ["before"]);
    const listed = await call<{ keys: Array<{ key_id: string; revoked_at: string | null }> }>(
      fns.listIngestKeys,
      {},
      admin,
    );
    assert.ok(listed.keys.find((k) => k.key_id === key_id)?.revoked_at, "listed as revoked");
    assert.equal(listed.keys.find((k) => k.key_id === other.key_id)?.revoked_at, null);
  });

  it("an ID token still needs App Check when it is enforced (only an ingest key goes without)", async () => {
    assertJsonError(
      await send(api.origin, "POST", RECORD, { token: tokens.alice, body: batch("user", 1) }),
      401,
      "no App Check",
    );
  });

  it("a key is trusted for health unless created with trusted: false (then capped like any untrusted principal)", async () => {
    const trusted = await createKey("trusted");
    const untrusted = await createKey("untrusted", false);
    const leftOut = async (key: string, id: string) => {
      assert.equal(
        (await send(api.origin, "POST", RECORD, { token: key, body: batch(id, 250) })).status,
        200,
      );
      const doc = (
        await adminDb().collection(COLLECTIONS.traceBatches).where("batch_id", "==", id).get()
      ).docs[0]!.data();
      return (doc.traces as Array<{ health?: false }>).filter((t) => t.health === false).length;
    };
    assert.equal(await leftOut(trusted.key, "t"), 0);
    // HEALTH_PRINCIPAL_TRACES_PER_HOUR (200) counts, the rest are left out of health.
    assert.equal(await leftOut(untrusted.key, "u"), 50);
  });
});
