/** The SDK's Express middleware, delivering to a no-op transport: the SDK is measured, not the network. */
import { initializeApp } from "firebase/app";
import { initPerformance } from "@aideon-perf/sdk";
import type { Instrumentation } from "./server-variants";

export function sdkInstrumentation(): Instrumentation {
  const perf = initPerformance(initializeApp({ projectId: "demo-bench", apiKey: "demo-api-key" }), {
    autoCollection: true,
    flushOnExit: false,
    transport: async (request) => ({
      success: true,
      batch_id: request.batch_id,
      accepted: request.traces.length,
      duplicate: false,
    }),
  });
  return {
    middleware: perf.expressMiddleware(),
    async flush() {
      await perf.flush();
      const { sent, queued, inFlight } = perf.stats();
      const traces = sent + queued + inFlight;
      return { requests: traces, total: traces };
    },
  };
}
