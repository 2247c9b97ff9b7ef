/**
 * `npm start --workspace examples/express-app`, with the local stack (`npm start`) running:
 * serves the example API on PORT (default 3000) and ships its traces to the Functions emulator.
 */
import { initPerformance } from "@aideon-perf/sdk";
import { createApp } from "./app";
import { connectToStack, LOCAL_STACK } from "./firebase";

async function main(): Promise<void> {
  const port = Number(process.env.PORT ?? 3000);
  const firebase = await connectToStack(LOCAL_STACK);
  const perf = initPerformance(firebase.app, {
    functions: firebase.functions,
    flushIntervalMs: 2_000,
    onError: (error) => console.error("aideon-perf:", error),
  });
  const server = createApp(perf).listen(port, "127.0.0.1", () => {
    console.log(`example app on http://127.0.0.1:${port} (signed in anonymously as ${firebase.uid})`);
    console.log("  try: curl http://127.0.0.1:%d/api/items/1; curl http://127.0.0.1:%d/api/fail", port, port);
  });

  // Deliver what is queued before exiting (the SDK itself never installs signal handlers).
  const stop = async () => {
    server.close();
    await perf.shutdown();
    console.log("traces delivered:", JSON.stringify(perf.stats()));
    await firebase.close();
    process.exit(0);
  };
  process.once("SIGINT", () => void stop());
  process.once("SIGTERM", () => void stop());
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
