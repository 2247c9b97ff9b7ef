// BulkWriter (BatchWrite), listDocuments, listCollections, recursiveDelete, named databases and the
// emulator's HTTP endpoints (health check and the documented data reset).
import { strict as assert } from "assert";
import { randomBytes } from "crypto";
import * as http from "http";
import { deleteApp, initializeApp } from "firebase-admin/app";
import { GrpcStatus, PROJECT_ID, adminFirestore, db, emulatorHost, freshCollection } from "./harness";

function request(method: string, path: string): Promise<{ status: number; body: string }> {
  const [hostname, port] = emulatorHost().split(":");
  return new Promise((resolve, reject) => {
    const req = http.request({ hostname, port: Number(port), method, path }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => (body += chunk));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on("error", reject);
    req.end();
  });
}

describe("local-firestore conformance: admin operations", () => {
  it("BulkWriter applies writes independently and reports each failure", async () => {
    const col = freshCollection("bulk");
    await col.doc("existing").set({ v: 0 });
    const writer = db().bulkWriter();
    const failures: { path: string; code: number }[] = [];
    writer.onWriteError((err) => {
      failures.push({ path: err.documentRef.path, code: err.code as unknown as number });
      return false;
    });
    const results: Promise<unknown>[] = [];
    for (let i = 0; i < 30; i++) results.push(writer.create(col.doc(`d${i}`), { i }));
    results.push(writer.update(col.doc("missing"), { v: 1 }).catch(() => "failed"));
    results.push(writer.create(col.doc("existing"), { v: 1 }).catch(() => "failed"));
    results.push(writer.update(col.doc("existing"), { v: 2 }));
    await writer.close();
    const settled = await Promise.all(results);
    assert.deepEqual(settled.filter((r) => r === "failed").length, 2);
    assert.deepEqual(
      failures.sort((a, b) => a.path.localeCompare(b.path)),
      [
        { path: col.doc("existing").path, code: GrpcStatus.ALREADY_EXISTS },
        { path: col.doc("missing").path, code: GrpcStatus.NOT_FOUND },
      ],
    );
    assert.equal((await col.count().get()).data().count, 31);
    assert.equal((await col.doc("existing").get()).get("v"), 2);
  });

  it("listDocuments lists existing documents and missing ones that have subcollections", async () => {
    const col = freshCollection("listdocs");
    await col.doc("a").set({ v: 1 });
    await col.doc("b").set({ v: 2 });
    await col.doc("ghost").collection("sub").doc("s").set({ v: 3 });
    const refs = await col.listDocuments();
    assert.deepEqual(refs.map((r) => r.id).sort(), ["a", "b", "ghost"]);
    assert.equal((await col.doc("ghost").get()).exists, false);
    assert.deepEqual(
      (await col.get()).docs.map((d) => d.id),
      ["a", "b"],
    );
  });

  it("listCollections at the root and under a document (including deeper-only descendants)", async () => {
    const col = freshCollection("listcols");
    await col.doc("d").set({ v: 1 });
    const parent = col.doc("d");
    await parent.collection("one").doc("x").set({});
    await parent.collection("two").doc("ghost").collection("deeper").doc("y").set({});
    const rootIds = (await db().listCollections()).map((c) => c.id);
    assert.ok(rootIds.includes(col.id));
    const childIds = (await parent.listCollections()).map((c) => c.id).sort();
    assert.deepEqual(childIds, ["one", "two"]);
    assert.deepEqual(await col.doc("nothing").listCollections(), []);
  });

  it("recursiveDelete removes a document, its subcollections and documents under missing parents", async () => {
    const col = freshCollection("recursive");
    const keep = col.doc("keep");
    await keep.set({ v: 1 });
    const doomed = col.doc("doomed");
    await doomed.set({ v: 1 });
    await doomed.collection("sub").doc("a").set({ v: 2 });
    await doomed.collection("sub").doc("a").collection("subsub").doc("b").set({ v: 3 });
    await doomed.collection("other").doc("ghost").collection("deep").doc("c").set({ v: 4 });
    await db().recursiveDelete(doomed);
    assert.equal((await doomed.get()).exists, false);
    assert.deepEqual(await doomed.listCollections(), []);
    assert.equal((await doomed.collection("sub").doc("a").collection("subsub").doc("b").get()).exists, false);
    assert.equal((await keep.get()).exists, true);
    await db().recursiveDelete(col);
    assert.deepEqual(await col.listDocuments(), []);
  });

  it("named databases are separate from (default)", async () => {
    const name = `q${randomBytes(3).toString("hex")}`;
    const other = db("secondary");
    await db().collection(name).doc("d").set({ where: "default" });
    await other.collection(name).doc("d").set({ where: "secondary" });
    assert.equal((await db().collection(name).doc("d").get()).get("where"), "default");
    assert.equal((await other.collection(name).doc("d").get()).get("where"), "secondary");
  });

  it("HTTP: GET / answers Ok; unknown paths 404; DELETE .../documents clears only that database", async () => {
    const root = await request("GET", "/");
    assert.equal(root.status, 200);
    assert.match(root.body, /^Ok/);
    assert.equal((await request("GET", "/no/such/path")).status, 404);

    // Clear a separate project so other suites sharing this emulator keep their data.
    const project = `${PROJECT_ID}-clear-${randomBytes(3).toString("hex")}`;
    const app = initializeApp({ projectId: project }, project);
    try {
      const target = adminFirestore(app).collection("c");
      await target.doc("a").set({ v: 1 });
      await target.doc("a").collection("sub").doc("b").set({ v: 2 });
      const survivor = freshCollection("survivor").doc("s");
      await survivor.set({ v: 1 });
      const reset = await request("DELETE", `/emulator/v1/projects/${project}/databases/(default)/documents`);
      assert.equal(reset.status, 200);
      assert.equal((await target.doc("a").get()).exists, false);
      assert.equal((await target.doc("a").collection("sub").doc("b").get()).exists, false);
      assert.deepEqual(await adminFirestore(app).listCollections(), []);
      assert.equal((await survivor.get()).exists, true);
    } finally {
      await deleteApp(app);
    }
  });
});
