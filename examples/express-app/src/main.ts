/**
 * `npm start --workspace examples/express-app`, with the local stack (`npm start`) running:
 * serves the example API on PORT (default 3000) and ships its traces as a backend does, with an
 * ingest key (AIDEON_INGEST_KEY, from `npm run admin -- ingest-key create --name example`) to
 * AIDEON_ENDPOINT (default the Hosting emulator). Without a key it signs in anonymously instead.
 */
import { initPerformance, type PerformanceOptions } from "@aideon-perf/sdk";
import { createApp } from "./app";
import { connectToStack, LOCAL_STACK } from "./firebase";

const LOCAL_HOSTING = "http://127.0.0.1:5002";

async function main(): Promise<void> {
  const port = Number(process.env.PORT ?? 3000);
  const options: PerformanceOptions = {
    flushIntervalMs: 2_000,
    onError: (error) => console.error("aideon-perf:", error),
  };
  const ingestKey = process.env.AIDEON_INGEST_KEY;
  const firebase = ingestKey ? undefined : await connectToStack(LOCAL_STACK);
  const perf = ingestKey
    ? initPerformance({ ...options, ingestKey, endpoint: process.env.AIDEON_ENDPOINT ?? LOCAL_HOSTING })
    : initPerformance(firebase!.app, { ...options, functions: firebase!.functions });
  const server = createApp(perf).listen(port, "127.0.0.1", () => {
    console.log(
      `example app on http://127.0.0.1:${port} (${firebase ? `signed in anonymously as ${firebase.uid}` : "recording with its ingest key"})`,
    );
    console.log("  try: curl http://127.0.0.1:%d/api/items/1; curl http://127.0.0.1:%d/api/fail", port, port);
  });

  // Deliver what is queued before exiting (the SDK itself never installs signal handlers).
  const stop = async () => {
    server.close();
    await perf.shutdown();
    console.log("traces delivered:", JSON.stringify(perf.stats()));
    await firebase?.close();
    process.exit(0);
  };
  process.once("SIGINT", () => void stop());
  process.once("SIGTERM", () => void stop());
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
