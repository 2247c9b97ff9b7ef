// Sequential single-document set() throughput from firebase-admin against local-firestore, with
// one collection holding 1k and then 20k documents (cost must not grow with the collection), and
// then with a query listener (onSnapshot) that receives every written document.
// Run: node --import tsx dev/local-firestore/bench.ts
import { startLocalFirestore } from "./src/index";

const SAMPLE = 2000;

async function main(): Promise<void> {
  const server = await startLocalFirestore({ port: 0 });
  process.env.FIRESTORE_EMULATOR_HOST = server.address;
  const { initializeApp, deleteApp } = await import("firebase-admin/app");
  const { getFirestore } = await import("firebase-admin/firestore");
  const app = initializeApp({ projectId: "demo-aideon-perf" }, "bench");
  const col = getFirestore(app).collection("bench");

  let size = 0;
  const fillTo = async (target: number) => {
    while (size < target) {
      const batch = col.firestore.batch();
      for (let i = 0; i < 500 && size < target; i++, size++)
        batch.set(col.doc(`fill${size}`), { i: size, at: Date.now() });
      await batch.commit();
    }
  };
  const measure = async (label: string) => {
    for (let i = 0; i < 200; i++) await col.doc(`warm${i}`).set({ i }); // warm-up, not counted
    const start = process.hrtime.bigint();
    for (let i = 0; i < SAMPLE; i++) await col.doc(`${label}-${i}`).set({ i, label, at: Date.now() });
    const seconds = Number(process.hrtime.bigint() - start) / 1e9;
    console.log(
      `${label}: ${Math.round(SAMPLE / seconds)} writes/s (${SAMPLE} sequential sets, collection of ~${size} docs)`,
    );
    size += SAMPLE;
  };

  await fillTo(1000);
  await measure("at 1k docs");
  await fillTo(20_000);
  await measure("at 20k docs");
  let delivered = 0;
  const stop = col
    .where("label", "==", "with listener")
    .onSnapshot((snap) => (delivered += snap.docChanges().length));
  await measure("with listener");
  await new Promise((resolve) => setTimeout(resolve, 500));
  stop();
  console.log(`listener received ${delivered} of ${SAMPLE} changes`);

  await deleteApp(app);
  await server.close();
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
