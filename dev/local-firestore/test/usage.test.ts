// The usage counters benchmarks read. Our server only: the official emulator has no such endpoint.
import assert from "node:assert/strict";
import { USAGE_PATH, type UsageCounts } from "../src";
import { emulatorHost, freshCollection, db, skipUnlessLocalFirestore } from "./harness";

async function usage(): Promise<UsageCounts> {
  return (await (await fetch(`http://${emulatorHost()}${USAGE_PATH}`)).json()) as UsageCounts;
}

describe("usage counters (local-firestore only)", () => {
  it("counts a write per document written and a read per document looked up or returned", async function () {
    await skipUnlessLocalFirestore(this);
    const start = await usage();
    const col = freshCollection("usage");
    const batch = db().batch();
    for (let i = 0; i < 3; i++) batch.set(col.doc(`d${i}`), { i });
    await batch.commit();
    await db().getAll(col.doc("d0"), col.doc("missing"));
    await col.where("i", ">=", 1).get();
    await col.where("i", ">", 99).get();
    await col.count().get();
    const end = await usage();
    assert.equal(end.document_writes - start.document_writes, 3);
    // 2 lookups (found and missing) + 2 query results + 1 for the empty query + 1 for the count.
    assert.equal(end.document_reads - start.document_reads, 6);
  });
});
