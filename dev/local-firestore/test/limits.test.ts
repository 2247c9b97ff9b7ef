// Firestore's documented limits (https://firebase.google.com/docs/firestore/quotas) that our code can
// reach. Where the official emulator enforces one, both servers must reject the same way; where it
// does not, production is the reference: the test runs on local-firestore only and says why.
import { strict as assert } from "assert";
import { type DocumentReference, FieldValue } from "firebase-admin/firestore";
import {
  GrpcStatus,
  db,
  emulatorHost,
  freshCollection,
  rejectionCode,
  skipUnlessLocalFirestore,
} from "./harness";
import { type Raw, type RawClient, rawClient, rawCollection } from "./raw-client";

const MiB = 1_048_576;

/** Firestore's storage size of a string (https://firebase.google.com/docs/firestore/storage-size). */
const stringSize = (s: string) => Buffer.byteLength(s, "utf8") + 1;

/** Documented size of a document holding `fields` of strings: its name, its fields, and 32 bytes. */
function documentSize(ref: DocumentReference, fields: Record<string, string>): number {
  const name = ref.path.split("/").reduce((sum, segment) => sum + stringSize(segment), 16);
  return Object.entries(fields).reduce(
    (sum, [key, value]) => sum + stringSize(key) + stringSize(value),
    name + 32,
  );
}

/** `depth` levels of maps (each one level, as documented) around an integer. */
const nestedMaps = (depth: number): Raw =>
  depth === 0 ? { integerValue: 1 } : { mapValue: { fields: { m: nestedMaps(depth - 1) } } };

/** Fields f{from} ... f{from + count - 1}, holding value(i). */
const fieldsFrom = (from: number, count: number, value: (i: number) => unknown) =>
  Object.fromEntries(Array.from({ length: count }, (_, i) => [`f${from + i}`, value(from + i)]));
const manyFields = (count: number) => fieldsFrom(0, count, (i) => i);

describe("local-firestore conformance: documented limits", function () {
  this.timeout(60_000);
  let raw: RawClient;
  before(() => (raw = rawClient(emulatorHost())));
  after(() => raw.close());

  it("maximum document size, 1 MiB (1,048,576 bytes by the documented size calculation): exactly that fits, a byte more is INVALID_ARGUMENT", async () => {
    const col = freshCollection("doc-size");
    const fits = col.doc("fits");
    const a = "a".repeat(600_000);
    const b = "b".repeat(MiB - documentSize(fits, { a, b: "" }));
    assert.equal(documentSize(fits, { a, b }), MiB);
    await fits.set({ a, b });
    const over = col.doc("over"); // same name length
    assert.equal(await rejectionCode(over.set({ a, b: `${b}b` })), GrpcStatus.INVALID_ARGUMENT);
    assert.equal(await rejectionCode(fits.update({ c: "" })), GrpcStatus.INVALID_ARGUMENT);
    assert.equal(
      await rejectionCode(fits.update({ n: FieldValue.increment(1) })),
      GrpcStatus.INVALID_ARGUMENT,
    );
    assert.equal((await over.get()).exists, false);
    assert.deepEqual(Object.keys((await fits.get()).data()!).sort(), ["a", "b"]);
  });

  it("maximum size of a field value, 1 MiB - 89 bytes (1,048,487 bytes of a string or bytes): a byte more is INVALID_ARGUMENT", async () => {
    const ref = freshCollection("value-size").doc("d");
    const limit = 1_048_487;
    await ref.set({ s: "é".repeat((limit - 1) / 2) + "x" });
    await ref.set({ s: Buffer.alloc(limit) });
    for (const tooLong of [
      { s: "x".repeat(limit + 1) },
      { s: "é".repeat((limit + 1) / 2) },
      { s: Buffer.alloc(limit + 1) },
      { m: { s: "x".repeat(limit + 1) } },
    ]) {
      assert.equal(await rejectionCode(ref.set(tooLong)), GrpcStatus.INVALID_ARGUMENT);
    }
    assert.equal(((await ref.get()).get("s") as Buffer).length, limit);
  });

  it("maximum depth of fields in a map or array, 20 (every map and array is a level): 21 is INVALID_ARGUMENT", async () => {
    // Raw requests: firebase-admin refuses deeper input before sending it.
    const col = rawCollection("depth");
    const write = (id: string, value: Raw) =>
      raw.commit([{ update: { name: `${col}/${id}`, fields: { f: value } } }]);
    await write("maps", nestedMaps(20));
    await write("array", { arrayValue: { values: [nestedMaps(19)] } });
    assert.equal(await rejectionCode(write("maps-over", nestedMaps(21))), GrpcStatus.INVALID_ARGUMENT);
    assert.equal(
      await rejectionCode(write("array-over", { arrayValue: { values: [nestedMaps(20)] } })),
      GrpcStatus.INVALID_ARGUMENT,
    );
  });

  it("maximum 500 field transformations on one document in a commit (production limit; the official emulator 1.19.9 does not enforce it)", async function () {
    await skipUnlessLocalFirestore(this);
    const col = freshCollection("transforms");
    const increments = (from: number, count: number) =>
      fieldsFrom(from, count, () => FieldValue.increment(1));
    await col.doc("max").set(increments(0, 500));
    assert.equal(await rejectionCode(col.doc("over").set(increments(0, 501))), GrpcStatus.INVALID_ARGUMENT);
    const sameDocument = db()
      .batch()
      .set(col.doc("batch"), increments(0, 300))
      .set(col.doc("batch"), increments(300, 300), { merge: true });
    assert.equal(await rejectionCode(sameDocument.commit()), GrpcStatus.INVALID_ARGUMENT);
    await db()
      .batch()
      .set(col.doc("one"), increments(0, 300))
      .set(col.doc("two"), increments(0, 300))
      .commit();
    assert.equal((await col.doc("over").get()).exists, false);
    assert.equal((await col.doc("batch").get()).exists, false);
  });

  it("maximum 40,000 index entries per document (production limit; the official emulator 1.19.9 does not enforce it)", async function () {
    await skipUnlessLocalFirestore(this);
    const col = freshCollection("index-entries");
    // Automatic indexes: an ascending and a descending entry per field, an array-contains entry per distinct element.
    await col.doc("fields").set(manyFields(20_000));
    assert.equal(
      await rejectionCode(col.doc("fields-over").set(manyFields(20_001))),
      GrpcStatus.INVALID_ARGUMENT,
    );
    const elements = (count: number) => Array.from({ length: count }, (_, i) => i);
    await col.doc("array").set({ a: [...elements(39_998), 0, 1, 2] });
    assert.equal(
      await rejectionCode(col.doc("array-over").set({ a: elements(39_999) })),
      GrpcStatus.INVALID_ARGUMENT,
    );
    assert.equal(
      await rejectionCode(col.doc("map-over").set({ m: manyFields(20_000) })),
      GrpcStatus.INVALID_ARGUMENT,
    );
  });

  it("maximum API request size, 10 MiB (production limit; the official emulator 1.19.9 caps gRPC messages at 4 MiB with RESOURCE_EXHAUSTED, which the Admin SDK retries for minutes)", async function () {
    await skipUnlessLocalFirestore(this);
    const col = freshCollection("request-size");
    const batchOf = (count: number, extra: number) => {
      const batch = db().batch();
      for (let i = 0; i < count; i++) batch.set(col.doc(`d${i}`), { s: "x".repeat(1_048_000) });
      if (extra > 0) batch.set(col.doc("extra"), { s: "x".repeat(extra) });
      return batch;
    };
    // 10,480,000 bytes of strings and about 1 KB of names and framing: just under 10 MiB (10,485,760).
    await batchOf(10, 0).commit();
    await col.doc("d0").delete();
    assert.equal(await rejectionCode(batchOf(10, 10_000).commit()), GrpcStatus.INVALID_ARGUMENT);
    assert.equal((await col.doc("d0").get()).exists, false);
  });
});
