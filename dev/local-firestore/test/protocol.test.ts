// Parts of the v1 API that firebase-admin cannot express (or would retry), spoken directly over
// gRPC: BeginTransaction / Rollback, lock timeouts, maximum / minimum transforms, int64
// saturation, array transforms, WriteResult contents and ListDocuments with show_missing false
// and paging.
import { strict as assert } from "assert";
import {
  type Raw,
  type RawClient,
  DATABASE,
  ROOT,
  rawClient,
  rawCollection as collection,
} from "./raw-client";
import type { Value } from "../src/proto";
import { GrpcStatus, emulatorHost, rejection, skipUnlessLocalFirestore } from "./harness";

describe("local-firestore conformance: raw v1 protocol", () => {
  let raw: RawClient;
  before(() => (raw = rawClient(emulatorHost())));
  after(() => raw.close());

  const get = async (name: string) => (await raw.batchGet({ database: DATABASE, documents: [name] }))[0]!;
  const fields = async (name: string) =>
    (get(name) as Promise<{ found?: { fields: Record<string, Value> } }>).then((r) => r.found?.fields);

  it("BeginTransaction + transactional read + Commit; Rollback ends a transaction", async () => {
    const name = `${collection("raw-tx")}/d`;
    await raw.commit([{ update: { name, fields: { n: { integerValue: 1 } } } }]);
    const { transaction } = (await raw.call("BeginTransaction", {
      database: DATABASE,
      options: { readWrite: {} },
    })) as { transaction: Buffer };
    assert.ok(transaction.length > 0);
    const [read] = await raw.batchGet({ database: DATABASE, documents: [name], transaction });
    assert.equal(
      (read as { found: { fields: { n: { integerValue: string } } } }).found.fields.n.integerValue,
      "1",
    );
    await raw.commit([{ update: { name, fields: { n: { integerValue: 2 } } } }], transaction);
    assert.equal((await fields(name))!.n!.integerValue, "2");

    const second = (await raw.call("BeginTransaction", {
      database: DATABASE,
      options: { readWrite: {} },
    })) as { transaction: Buffer };
    await raw.call("Rollback", { database: DATABASE, transaction: second.transaction });
    await assert.rejects(
      raw.commit([{ update: { name, fields: { n: { integerValue: 3 } } } }], second.transaction),
    );
    assert.equal((await fields(name))!.n!.integerValue, "2");

    const readOnly = (await raw.call("BeginTransaction", {
      database: DATABASE,
      options: { readOnly: {} },
    })) as { transaction: Buffer };
    const [snapshot] = await raw.batchGet({
      database: DATABASE,
      documents: [name],
      transaction: readOnly.transaction,
    });
    assert.ok((snapshot as { found?: unknown }).found);
  });

  it('a write outside a transaction waits for its read lock, then fails after 2 s with ABORTED "Transaction lock timeout."', async () => {
    const name = `${collection("raw-lock")}/d`;
    await raw.commit([{ update: { name, fields: { n: { integerValue: 1 } } } }]);
    const transaction = await raw.beginTransaction();
    await raw.batchGet({ database: DATABASE, documents: [name], transaction });
    const started = Date.now();
    const outside = await rejection(raw.commit([{ update: { name, fields: { n: { integerValue: 100 } } } }]));
    assert.deepEqual(outside, { code: GrpcStatus.ABORTED, details: "Transaction lock timeout." });
    assert.ok(Date.now() - started >= 1900, `the write waited ${Date.now() - started} ms`);
    // The transaction is not aborted by the write that waited for it.
    await raw.commit([{ update: { name, fields: { n: { integerValue: 2 } } } }], transaction);
    assert.equal((await fields(name))!.n!.integerValue, "2");
  });

  it("two transactions that read a document: the first to commit waits for the other, times out with ABORTED, and frees the other", async () => {
    const name = `${collection("raw-lock-pair")}/d`;
    await raw.commit([{ update: { name, fields: { n: { integerValue: 1 } } } }]);
    const first = await raw.beginTransaction();
    const second = await raw.beginTransaction();
    for (const transaction of [first, second])
      await raw.batchGet({ database: DATABASE, documents: [name], transaction });
    const timedOut = await rejection(
      raw.commit([{ update: { name, fields: { n: { integerValue: 2 } } } }], first),
    );
    assert.equal(timedOut.code, GrpcStatus.ABORTED);
    await raw.commit([{ update: { name, fields: { n: { integerValue: 3 } } } }], second);
    assert.equal((await fields(name))!.n!.integerValue, "3");
  });

  it("arrayUnion / arrayRemove of an array element is INVALID_ARGUMENT (documented data model; the official emulator 1.19.9 stores the nested array)", async function () {
    await skipUnlessLocalFirestore(this);
    const name = `${collection("raw-nested-union")}/d`;
    await raw.commit([
      { update: { name, fields: { a: { arrayValue: { values: [{ integerValue: 1 }] } } } } },
    ]);
    const nested = { values: [{ arrayValue: { values: [{ integerValue: 2 }] } }] };
    for (const transform of [{ appendMissingElements: nested }, { removeAllFromArray: nested }]) {
      const rejected = await rejection(
        raw.commit([
          {
            update: { name, fields: {} },
            updateMask: { fieldPaths: [] },
            updateTransforms: [{ fieldPath: "a", ...transform }],
          },
        ]),
      );
      assert.equal(rejected.code, GrpcStatus.INVALID_ARGUMENT);
    }
    assert.deepEqual((await fields(name))!.a, { arrayValue: { values: [{ integerValue: "1" }] } });
  });

  it("maximum / minimum transforms follow the documented numeric rules", async () => {
    const name = `${collection("raw-maxmin")}/d`;
    await raw.commit([
      {
        update: {
          name,
          fields: {
            a: { integerValue: 5 },
            b: { doubleValue: 2.5 },
            c: { stringValue: "x" },
            e: { integerValue: 3 },
          },
        },
      },
    ]);
    const response = (await raw.commit([
      {
        update: { name, fields: {} },
        updateMask: { fieldPaths: [] },
        updateTransforms: [
          { fieldPath: "a", maximum: { doubleValue: 7.5 } }, // larger operand wins, with its type
          { fieldPath: "b", minimum: { integerValue: 1 } },
          { fieldPath: "c", maximum: { integerValue: 4 } }, // non-numeric field takes the operand
          { fieldPath: "d.e", minimum: { integerValue: 9 } }, // missing (nested) field takes the operand
          { fieldPath: "e", maximum: { doubleValue: 3 } }, // equal operands: the stored value stays
        ],
      },
    ])) as { writeResults: { transformResults: Value[] }[] };
    const data = (await fields(name))!;
    assert.equal(data.a!.doubleValue, 7.5);
    assert.equal(data.b!.integerValue, "1");
    assert.equal(data.c!.integerValue, "4");
    assert.equal(data.d!.mapValue!.fields!.e!.integerValue, "9");
    assert.equal(data.e!.integerValue, "3");
    const results = response.writeResults[0]!.transformResults;
    assert.equal(results.length, 5);
    assert.equal(results[0]!.doubleValue, 7.5);
    assert.equal(results[4]!.integerValue, "3");
  });

  it("integer increment saturates at the int64 bounds; array transforms report null results", async () => {
    const name = `${collection("raw-overflow")}/d`;
    await raw.commit([
      {
        update: {
          name,
          fields: {
            big: { integerValue: "9223372036854775806" },
            small: { integerValue: "-9223372036854775807" },
          },
        },
      },
    ]);
    const response = (await raw.commit([
      {
        update: { name, fields: {} },
        updateMask: { fieldPaths: [] },
        updateTransforms: [
          { fieldPath: "big", increment: { integerValue: 10 } },
          { fieldPath: "small", increment: { integerValue: -10 } },
          { fieldPath: "arr", appendMissingElements: { values: [{ integerValue: 1 }] } },
        ],
      },
    ])) as { writeResults: { transformResults: Value[] }[] };
    const data = (await fields(name))!;
    assert.equal(data.big!.integerValue, "9223372036854775807");
    assert.equal(data.small!.integerValue, "-9223372036854775808");
    assert.ok(response.writeResults[0]!.transformResults[2]!.nullValue !== undefined);
  });

  it("WriteResult: update time per write, none for a delete; commit time equals the update times", async () => {
    const col = collection("raw-results");
    const response = (await raw.commit([
      { update: { name: `${col}/a`, fields: { v: { integerValue: 1 } } } },
      { delete: `${col}/b` },
    ])) as { writeResults: { updateTime?: unknown }[]; commitTime: unknown };
    assert.deepEqual(response.writeResults[0]!.updateTime, response.commitTime);
    assert.equal(response.writeResults[1]!.updateTime ?? null, null);
  });

  it("ListDocuments: show_missing false lists only existing documents; paging covers all", async () => {
    const col = collection("raw-list");
    const writes: Raw[] = [];
    for (let i = 0; i < 7; i++)
      writes.push({ update: { name: `${col}/d${i}`, fields: { i: { integerValue: i } } } });
    writes.push({ update: { name: `${col}/ghost/sub/x`, fields: {} } });
    await raw.commit(writes);
    const collectionId = col.slice(col.lastIndexOf("/") + 1);
    const names: string[] = [];
    let pageToken = "";
    let pages = 0;
    do {
      const page = (await raw.call("ListDocuments", {
        parent: ROOT,
        collectionId,
        pageSize: 3,
        pageToken,
      })) as {
        documents: { name: string }[];
        nextPageToken: string;
      };
      names.push(...page.documents.map((d) => d.name.slice(d.name.lastIndexOf("/") + 1)));
      pageToken = page.nextPageToken;
      pages++;
    } while (pageToken);
    assert.deepEqual(names, ["d0", "d1", "d2", "d3", "d4", "d5", "d6"]);
    assert.ok(pages >= 3);
    const withMissing = (await raw.call("ListDocuments", {
      parent: ROOT,
      collectionId,
      showMissing: true,
    })) as { documents: { name: string }[] };
    assert.ok(withMissing.documents.some((d) => d.name.endsWith("/ghost")));
  });
});
