/**
 * The recording quotas through the REST API: the same admission as the callables, refused as HTTP 429
 * with Retry-After and the quota named, nothing of the refused call stored.
 */
import assert from "node:assert/strict";
import { adminDb, clearFirestore, ensureFirestore } from "../support/firestore";
import { COLLECTIONS } from "../../functions/src/firestore";
import { serveApi } from "./support/world";
import type { Served } from "./support/serve";
import { fakeToken } from "./support/tokens";

describe("rest: recording quotas", function () {
  this.timeout(60_000);
  let api: Served;
  before(async () => {
    await ensureFirestore();
    api = await serveApi();
  });
  beforeEach(clearFirestore);
  after(() => api.close());

  it("answers 429 with Retry-After once an anonymous user's minute quota is spent, storing nothing of that call", async () => {
    const uid = `rest-anon-${Date.now()}`;
    const token = fakeToken(uid, { firebase: { sign_in_provider: "anonymous" } });
    const send = (id: string) =>
      fetch(`${api.origin}/api/v1/performance/record-traces`, {
        method: "POST",
        headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
        body: JSON.stringify({
          batch_id: id,
          traces: Array.from({ length: 500 }, () => ({
            name: "GET /",
            start_time: new Date().toISOString(),
            duration: 0.1,
          })),
        }),
      });
    assert.equal((await send("r1")).status, 200);
    assert.equal((await send("r2")).status, 200);
    const refused = await send("r3");
    assert.equal(refused.status, 429);
    const retryAfter = Number(refused.headers.get("retry-after"));
    assert.ok(retryAfter >= 1 && retryAfter <= 60, `Retry-After ${retryAfter}`);
    const body = (await refused.json()) as { error: { code: string; message: string } };
    assert.equal(body.error.code, "resource-exhausted");
    assert.match(body.error.message, /quota for the minute/);
    const stored = await adminDb().collection(COLLECTIONS.traceBatches).where("owner_uid", "==", uid).get();
    assert.equal(stored.size, 2);
  });
});
