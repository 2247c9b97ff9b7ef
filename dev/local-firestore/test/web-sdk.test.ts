// The web SDK (`firebase/firestore`) speaks other RPCs than firebase-admin: writes go through the
// Write stream, reads through Listen. Local server only: on the official emulator the project's
// security rules (clients denied) would decide these requests.
import { strict as assert } from "assert";
import { randomBytes } from "crypto";
import { type FirebaseApp, deleteApp, initializeApp } from "firebase/app";
import * as web from "firebase/firestore";
import { PROJECT_ID, dedicatedLocalServer, type DedicatedServer } from "./harness";

describe("local-firestore: web SDK (Write stream, Listen)", () => {
  let app: FirebaseApp;
  let db: web.Firestore;
  const col = () => web.collection(db, `web-${randomBytes(5).toString("hex")}`);

  let local: DedicatedServer;

  // A server of the test's own: an official emulator would apply the project's security rules.
  before(async () => {
    local = await dedicatedLocalServer();
    const server = local.server;
    web.setLogLevel("silent"); // the SDK logs every failed Write stream, which one test provokes
    app = initializeApp({ projectId: PROJECT_ID, apiKey: "local" }, `web-${randomBytes(4).toString("hex")}`);
    db = web.getFirestore(app);
    web.connectFirestoreEmulator(db, server.host, server.port);
  });

  after(async () => {
    if (app) {
      await web.terminate(db);
      await deleteApp(app);
    }
    await local?.close();
  });

  it("writes, reads, queries, counts and transactions", async () => {
    const c = col();
    await web.setDoc(web.doc(c, "a"), { n: 1 });
    await web.setDoc(web.doc(c, "b"), { n: 2, tags: ["x"] });
    await assert.rejects(
      web.updateDoc(web.doc(c, "missing"), { n: 1 }),
      (err: { code?: string }) => err.code === "not-found",
    );
    await web.updateDoc(web.doc(c, "b"), { tags: web.arrayUnion("y"), at: web.serverTimestamp() });
    const b = await web.getDoc(web.doc(c, "b"));
    assert.deepEqual(b.get("tags"), ["x", "y"]);
    assert.ok(b.get("at") instanceof web.Timestamp);
    const query = await web.getDocs(web.query(c, web.where("n", ">=", 2)));
    assert.deepEqual(
      query.docs.map((d) => d.id),
      ["b"],
    );
    await web.runTransaction(db, async (tx) => {
      const a = await tx.get(web.doc(c, "a"));
      tx.update(web.doc(c, "a"), { n: (a.get("n") as number) + 10 });
    });
    assert.equal((await web.getDoc(web.doc(c, "a"))).get("n"), 11);
    assert.equal((await web.getCountFromServer(c)).data().count, 2);
  });

  it("onSnapshot sees added, modified and removed documents", async () => {
    const c = col();
    await web.setDoc(web.doc(c, "a"), { n: 1 });
    const seen: string[][] = [];
    let notify: (() => void) | undefined;
    const stop = web.onSnapshot(web.query(c, web.orderBy("n")), (snap) => {
      seen.push(snap.docChanges().map((change) => `${change.type}:${change.doc.id}`));
      notify?.();
    });
    const nextSnapshot = () => new Promise<void>((resolve) => (notify = resolve));
    try {
      await nextSnapshot();
      let next = nextSnapshot();
      await web.setDoc(web.doc(c, "b"), { n: 2 });
      await next;
      next = nextSnapshot();
      await web.updateDoc(web.doc(c, "a"), { n: 3 });
      await next;
      next = nextSnapshot();
      await web.deleteDoc(web.doc(c, "b"));
      await next;
    } finally {
      stop();
    }
    assert.deepEqual(
      seen.filter((changes) => changes.length > 0),
      [["added:a"], ["added:b"], ["modified:a"], ["removed:b"]],
    );
  });
});
