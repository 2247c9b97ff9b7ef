/**
 * The middleware benchmark's server, run as its own process: a one-route Express app, bare or with the
 * SDK's middleware (delivering to a no-op transport, so the SDK is measured, not the network). Prints
 * its origin once listening; GET /__stats (outside the middleware) answers the process's CPU time so
 * far and the SDK's stats.
 *
 *   node --import tsx bench/sdk/support/express-server.ts bare|instrumented
 */
import express from "express";
import { initializeApp } from "firebase/app";
import type { AddressInfo } from "node:net";
import { initPerformance } from "@aideon-perf/sdk";

const instrumented = process.argv[2] === "instrumented";
const app = express();
const perf = instrumented
  ? initPerformance(initializeApp({ projectId: "demo-bench", apiKey: "demo-api-key" }), {
      autoCollection: true,
      flushOnExit: false,
      transport: async (request) => ({
        success: true,
        batch_id: request.batch_id,
        accepted: request.traces.length,
        duplicate: false,
      }),
    })
  : undefined;

app.get("/__stats", (_req, res) => {
  const cpu = process.cpuUsage();
  res.json({ cpuUs: cpu.user + cpu.system, sdk: perf?.stats() ?? null });
});
if (perf) app.use(perf.expressMiddleware());
app.get("/api/items/:id", (req, res) => {
  res.json({ id: req.params.id, name: "keyboard", price: 42 });
});

const server = app.listen(0, "127.0.0.1", () => {
  console.log(JSON.stringify({ origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}` }));
});
