// Queries: scope, filters, ordering (Firestore's cross-type value order), cursors, offset, limits,
// projection and aggregations, as documented for Firestore queries.
import { strict as assert } from "assert";
import {
  AggregateField,
  type CollectionReference,
  FieldPath,
  Filter,
  GeoPoint,
  type Query,
  Timestamp,
} from "firebase-admin/firestore";
import { GrpcStatus, db, freshCollection, rejectionCode } from "./harness";

const ids = async (query: Query) => (await query.get()).docs.map((d) => d.id);

async function fill(col: CollectionReference, docs: Record<string, object>): Promise<void> {
  const batch = db().batch();
  for (const [id, data] of Object.entries(docs)) batch.set(col.doc(id), data);
  await batch.commit();
}

describe("local-firestore conformance: queries", () => {
  it("default order is by document id", async () => {
    const col = freshCollection("q-default");
    await fill(col, { b: {}, a: {}, c: {}, "10": {}, "9": {}, B: {} });
    assert.deepEqual(await ids(col), ["10", "9", "B", "a", "b", "c"]);
  });

  it("field filters: == < <= > >= != in not-in array-contains array-contains-any", async () => {
    const col = freshCollection("q-ops");
    await fill(col, {
      a: { n: 1, tags: ["x", "y"] },
      b: { n: 2, tags: ["y"] },
      c: { n: 3, tags: [] },
      d: { n: "three" },
      e: { n: null },
      f: { other: true },
    });
    assert.deepEqual(await ids(col.where("n", "==", 2)), ["b"]);
    assert.deepEqual(await ids(col.where("n", "<", 3)), ["a", "b"]);
    assert.deepEqual(await ids(col.where("n", "<=", 3)), ["a", "b", "c"]);
    assert.deepEqual(await ids(col.where("n", ">", 1)), ["b", "c"]);
    assert.deepEqual(await ids(col.where("n", ">=", "a")), ["d"]);
    // != and not-in exclude documents without the field and with null.
    assert.deepEqual(await ids(col.where("n", "!=", 2)), ["a", "c", "d"]);
    assert.deepEqual(await ids(col.where("n", "in", [1, "three", 9])), ["a", "d"]);
    assert.deepEqual(await ids(col.where("n", "not-in", [1, 3])), ["b", "d"]);
    assert.deepEqual(await ids(col.where("tags", "array-contains", "y")), ["a", "b"]);
    assert.deepEqual(await ids(col.where("tags", "array-contains-any", ["x", "z"])), ["a"]);
  });

  it("inequality results are ordered by the inequality field, after explicit orders and in their direction", async () => {
    const col = freshCollection("q-implicit");
    await fill(col, { a: { n: 3 }, b: { n: 1 }, c: { n: 2 }, d: { n: 2 } });
    assert.deepEqual(await ids(col.where("n", ">", 0)), ["b", "c", "d", "a"]);
    assert.deepEqual(await ids(col.where("n", "!=", 1)), ["c", "d", "a"]);
    // After an explicit order, in its direction: g descending, then n and the name descending too.
    const grouped = freshCollection("q-implicit-direction");
    await fill(grouped, { a: { g: 1, n: 1 }, b: { g: 1, n: 2 }, c: { g: 2, n: 1 }, d: { g: 1, n: 2 } });
    assert.deepEqual(await ids(grouped.orderBy("g", "desc").where("n", ">", 0)), ["c", "d", "b", "a"]);
  });

  it("null and NaN filters (IS_NULL, IS_NAN, IS_NOT_NULL, IS_NOT_NAN)", async () => {
    const col = freshCollection("q-unary");
    await fill(col, { a: { v: null }, b: { v: NaN }, c: { v: 1 }, d: { w: 1 } });
    assert.deepEqual(await ids(col.where("v", "==", null)), ["a"]);
    assert.deepEqual(await ids(col.where("v", "==", NaN)), ["b"]);
    assert.deepEqual(await ids(col.where("v", "!=", null)), ["b", "c"]);
    const notNaN = await ids(col.where("v", "!=", NaN));
    assert.ok(notNaN.includes("c") && !notNaN.includes("b") && !notNaN.includes("d"));
  });

  it("filters and orderBy on nested field paths", async () => {
    const col = freshCollection("q-nested");
    await fill(col, {
      a: { m: { n: 2, s: "x" } },
      b: { m: { n: 1, s: "y" } },
      c: { m: { n: 3, s: "x" } },
      d: { m: "not a map" },
    });
    assert.deepEqual(await ids(col.where("m.s", "==", "x")), ["a", "c"]);
    assert.deepEqual(await ids(col.where("m.n", ">=", 2)), ["a", "c"]);
    assert.deepEqual(await ids(col.orderBy("m.n", "desc")), ["c", "a", "b"]);
    assert.deepEqual(await ids(col.where(new FieldPath("m", "n"), "in", [1, 3])), ["b", "c"]);
  });

  it("composite filters: Filter.or and Filter.and", async () => {
    const col = freshCollection("q-composite");
    await fill(col, { a: { x: 1, y: 1 }, b: { x: 1, y: 2 }, c: { x: 2, y: 1 }, d: { x: 3, y: 3 } });
    assert.deepEqual(
      await ids(col.where(Filter.or(Filter.where("x", "==", 2), Filter.where("y", "==", 2)))),
      ["b", "c"],
    );
    assert.deepEqual(
      await ids(
        col.where(
          Filter.and(
            Filter.where("x", "==", 1),
            Filter.or(Filter.where("y", "==", 2), Filter.where("y", "==", 3)),
          ),
        ),
      ),
      ["b"],
    );
    assert.deepEqual(
      await ids(
        col.where(
          Filter.or(
            Filter.where("x", "==", 3),
            Filter.and(Filter.where("x", "==", 1), Filter.where("y", "==", 1)),
          ),
        ),
      ),
      ["a", "d"],
    );
  });

  it("orderBy excludes documents missing the field; multiple orders and directions", async () => {
    const col = freshCollection("q-orderby");
    await fill(col, { a: { p: 2, q: "b" }, b: { p: 1, q: "z" }, c: { q: "a" }, d: { p: 2, q: "a" } });
    assert.deepEqual(await ids(col.orderBy("p")), ["b", "a", "d"]);
    assert.deepEqual(await ids(col.orderBy("p", "desc").orderBy("q")), ["d", "a", "b"]);
    assert.deepEqual(await ids(col.orderBy("q")), ["c", "d", "a", "b"]);
    assert.equal((await col.orderBy("p").get()).size, 3);
  });

  it("orders values across types: null < bool < number < timestamp < string < bytes < reference < geopoint < array < map", async () => {
    const col = freshCollection("q-types");
    await fill(col, {
      m: { v: { a: 1 } },
      l: { v: [1, 2] },
      k: { v: new GeoPoint(1, 1) },
      j: { v: col.doc("ref") },
      i: { v: Buffer.from([1]) },
      h: { v: "str" },
      g: { v: Timestamp.fromMillis(0) },
      f: { v: 2.5 },
      e: { v: 2 },
      d: { v: -Infinity },
      c: { v: NaN },
      b: { v: true },
      b0: { v: false },
      a: { v: null },
    });
    assert.deepEqual(await ids(col.orderBy("v")), [
      "a",
      "b0",
      "b",
      "c",
      "d",
      "e",
      "f",
      "g",
      "h",
      "i",
      "j",
      "k",
      "l",
      "m",
    ]);
  });

  it("integers and doubles compare as numbers", async () => {
    const col = freshCollection("q-numbers");
    await fill(col, { a: { v: 1 }, b: { v: 1.5 }, c: { v: 2 }, d: { v: 0.5 } });
    assert.deepEqual(await ids(col.orderBy("v")), ["d", "a", "b", "c"]);
    assert.deepEqual(await ids(col.where("v", ">", 1)), ["b", "c"]);
    assert.deepEqual(await ids(col.where("v", "<", 1.5)), ["d", "a"]);
  });

  it("orderBy(documentId()) and where(documentId(), ...)", async () => {
    const col = freshCollection("q-docid");
    await fill(col, { a: { v: 1 }, m: { v: 2 }, z: { v: 3 } });
    const id = FieldPath.documentId();
    assert.deepEqual(await ids(col.orderBy(id)), ["a", "m", "z"]);
    assert.deepEqual(await ids(col.where(id, "==", "m")), ["m"]);
    assert.deepEqual(await ids(col.where(id, "in", ["z", "a", "nope"])), ["a", "z"]);
    assert.deepEqual(await ids(col.where(id, ">=", "m")), ["m", "z"]);
    assert.deepEqual(await ids(col.where(id, "==", col.doc("z"))), ["z"]);
  });

  // The official emulator sends these errors before any response headers, which the Admin SDK
  // retries silently for about 7 s before it gives up: hence the longer timeouts.
  it("ordering only by document name, descending, fails with FAILED_PRECONDITION; with a filter on a field it runs", async function () {
    this.timeout(60_000);
    const col = freshCollection("q-keyscan");
    await fill(col, { a: { v: 1 }, m: { v: 2 }, z: { v: 2 } });
    const id = FieldPath.documentId();
    assert.equal(await rejectionCode(col.orderBy(id, "desc").get()), GrpcStatus.FAILED_PRECONDITION);
    // limitToLast reverses the query's order by name.
    assert.equal(await rejectionCode(col.orderBy(id).limitToLast(2).get()), GrpcStatus.FAILED_PRECONDITION);
    assert.deepEqual(await ids(col.where("v", "==", 2).orderBy(id, "desc")), ["z", "m"]);
    assert.deepEqual(await ids(col.orderBy("v").orderBy(id, "desc")), ["a", "z", "m"]);
    assert.deepEqual(await ids(col.orderBy("v", "desc")), ["z", "m", "a"]);
  });

  it("no order may follow the document name: an inequality on another field then is INVALID_ARGUMENT", async function () {
    this.timeout(60_000);
    const col = freshCollection("q-afterkey");
    await fill(col, { a: { v: 1 }, b: { v: 2 } });
    const id = FieldPath.documentId();
    assert.equal(await rejectionCode(col.where("v", ">", 0).orderBy(id).get()), GrpcStatus.INVALID_ARGUMENT);
    assert.deepEqual(await ids(col.where("v", ">", 0).orderBy("v").orderBy(id)), ["a", "b"]);
    assert.deepEqual(await ids(col.where(id, ">", "a").where("v", ">", 0)), ["b"]);
  });

  it("startAt / startAfter / endAt / endBefore, offset and limit", async () => {
    const col = freshCollection("q-cursors");
    await fill(col, Object.fromEntries([1, 2, 3, 4, 5, 6].map((n) => [`d${n}`, { n }])));
    const byN = col.orderBy("n");
    assert.deepEqual(await ids(byN.startAt(3)), ["d3", "d4", "d5", "d6"]);
    assert.deepEqual(await ids(byN.startAfter(3)), ["d4", "d5", "d6"]);
    assert.deepEqual(await ids(byN.endAt(3)), ["d1", "d2", "d3"]);
    assert.deepEqual(await ids(byN.endBefore(3)), ["d1", "d2"]);
    assert.deepEqual(await ids(byN.startAt(2).endBefore(5)), ["d2", "d3", "d4"]);
    assert.deepEqual(await ids(byN.offset(2).limit(2)), ["d3", "d4"]);
    assert.deepEqual(await ids(byN.startAfter(1).offset(1).limit(10)), ["d3", "d4", "d5", "d6"]);
    assert.deepEqual(await ids(col.orderBy("n", "desc").startAt(4).limit(2)), ["d4", "d3"]);
  });

  it("cursors with several order fields and a partial cursor", async () => {
    const col = freshCollection("q-multicursor");
    await fill(col, { a: { g: 1, n: 1 }, b: { g: 1, n: 2 }, c: { g: 2, n: 1 }, d: { g: 2, n: 2 } });
    const q = col.orderBy("g").orderBy("n");
    assert.deepEqual(await ids(q.startAfter(1, 1)), ["b", "c", "d"]);
    assert.deepEqual(await ids(q.startAfter(1)), ["c", "d"]);
    assert.deepEqual(await ids(q.endBefore(2, 2)), ["a", "b", "c"]);
  });

  it("limitToLast returns the last documents in query order", async () => {
    const col = freshCollection("q-limittolast");
    await fill(col, Object.fromEntries([1, 2, 3, 4, 5].map((n) => [`d${n}`, { n }])));
    assert.deepEqual(await ids(col.orderBy("n").limitToLast(2)), ["d4", "d5"]);
    assert.deepEqual(await ids(col.orderBy("n").endBefore(5).limitToLast(2)), ["d3", "d4"]);
  });

  it("startAfter(snapshot) pagination over 25 docs in pages of 10 yields every doc exactly once, in order", async () => {
    const col = freshCollection("q-pages");
    // Many equal values: the cursor needs the document name as tie-breaker.
    await fill(
      col,
      Object.fromEntries(
        Array.from({ length: 25 }, (_, i) => [`doc${String(i).padStart(2, "0")}`, { bucket: i % 3 }]),
      ),
    );
    for (const base of [col.orderBy("bucket"), col.orderBy("bucket", "desc"), col as Query]) {
      const seen: string[] = [];
      let query = base.limit(10);
      for (;;) {
        const page = await query.get();
        seen.push(...page.docs.map((d) => d.id));
        if (page.size < 10) break;
        query = base.startAfter(page.docs[page.size - 1]!).limit(10);
      }
      const expected = (await base.get()).docs.map((d) => d.id);
      assert.equal(seen.length, 25);
      assert.equal(new Set(seen).size, 25);
      assert.deepEqual(seen, expected);
    }
  });

  it("collection group queries span every parent; subcollection queries stay in their parent", async () => {
    const group = `q-group-${Math.random().toString(36).slice(2, 10)}`;
    const parents = [
      freshCollection("p1").doc("x"),
      freshCollection("p2").doc("y"),
      freshCollection("p3").doc("z").collection("deep").doc("w"),
    ];
    for (const [i, parent] of parents.entries()) {
      await parent
        .collection(group)
        .doc(`item${i}`)
        .set({ i, kind: i % 2 === 0 ? "even" : "odd" });
    }
    await freshCollection("unrelated").doc("item9").set({ i: 9, kind: "even" });
    const all = await db().collectionGroup(group).orderBy("i").get();
    assert.deepEqual(
      all.docs.map((d) => d.ref.path),
      parents.map((p, i) => `${p.path}/${group}/item${i}`),
    );
    assert.deepEqual(
      (await db().collectionGroup(group).where("kind", "==", "even").get()).docs.map((d) => d.id).sort(),
      ["item0", "item2"],
    );
    assert.deepEqual(await ids(parents[0]!.collection(group)), ["item0"]);
  });

  it("select() returns only the selected fields; select() with no fields returns none", async () => {
    const col = freshCollection("q-select");
    await fill(col, { a: { x: 1, y: 2, m: { p: 3, q: 4 } } });
    const [snap] = (await col.select("x", "m.q").get()).docs;
    assert.deepEqual(snap!.data(), { x: 1, m: { q: 4 } });
    const [bare] = (await col.select().get()).docs;
    assert.equal(bare!.id, "a");
    assert.deepEqual(bare!.data(), {});
  });

  it("count / sum / average, with where and limit", async () => {
    const col = freshCollection("q-aggregate");
    await fill(col, {
      a: { n: 1, kind: "x" },
      b: { n: 2, kind: "x" },
      c: { n: 3.5, kind: "y" },
      d: { n: "text", kind: "x" },
      e: { kind: "x" },
    });
    assert.equal((await col.count().get()).data().count, 5);
    assert.equal((await col.where("kind", "==", "x").count().get()).data().count, 4);
    assert.equal((await col.limit(2).count().get()).data().count, 2);
    // Beside sum('n') / average('n'), count() counts only the documents that have n (e has none).
    const all = (
      await col
        .aggregate({
          total: AggregateField.sum("n"),
          mean: AggregateField.average("n"),
          how: AggregateField.count(),
        })
        .get()
    ).data();
    assert.deepEqual(all, { total: 6.5, mean: 6.5 / 3, how: 4 });
    const ints = (
      await col
        .where("kind", "==", "x")
        .aggregate({ total: AggregateField.sum("n"), mean: AggregateField.average("n") })
        .get()
    ).data();
    assert.deepEqual(ints, { total: 3, mean: 1.5 });
    const none = (
      await col
        .where("kind", "==", "none")
        .aggregate({
          total: AggregateField.sum("n"),
          mean: AggregateField.average("n"),
          how: AggregateField.count(),
        })
        .get()
    ).data();
    assert.deepEqual(none, { total: 0, mean: null, how: 0 });
    const limited = (
      await col
        .orderBy("n")
        .limit(2)
        .aggregate({ total: AggregateField.sum("n") })
        .get()
    ).data();
    assert.deepEqual(limited, { total: 3 });
  });

  it("sum and average read only documents that have their fields, in the order of those fields", async function () {
    this.timeout(60_000);
    const col = freshCollection("q-aggregate-order");
    await fill(col, {
      a: { g: 1 },
      b: { g: 1, n: 5, m: 1 },
      c: { g: 1, n: 1, m: 2 },
      d: { g: 2, n: 3, m: 3 },
    });
    const sumN = { total: AggregateField.sum("n"), how: AggregateField.count() };
    const aggregate = async (query: Query, spec: typeof sumN) => (await query.aggregate(spec).get()).data();
    // The aggregated field is an implicit order before the document name, so a limit takes the smallest n.
    assert.deepEqual(await aggregate(col.limit(1), sumN), { total: 1, how: 1 });
    assert.deepEqual(await aggregate(col.limit(3), sumN), { total: 9, how: 3 });
    // ... in the direction of the last explicit order: g descending, then n descending.
    assert.deepEqual(await aggregate(col.orderBy("g", "desc").limit(2), sumN), { total: 8, how: 2 });
    // An inequality field orders first.
    assert.deepEqual(await aggregate(col.where("m", ">", 1).limit(1), sumN), { total: 1, how: 1 });
    // Several aggregated fields order by field path, whatever the order they are given in.
    const both = (
      await col
        .limit(1)
        .aggregate({ n: AggregateField.sum("n"), m: AggregateField.sum("m") })
        .get()
    ).data();
    assert.deepEqual(both, { n: 5, m: 1 });
    // After an explicit order by name there is no room for them.
    assert.equal(
      await rejectionCode(col.orderBy(FieldPath.documentId()).aggregate(sumN).get()),
      GrpcStatus.INVALID_ARGUMENT,
    );
  });
});
