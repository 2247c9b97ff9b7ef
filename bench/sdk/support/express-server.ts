/**
 * The middleware benchmark's server, forked once per variant so that OpenTelemetry's patching of http
 * and express stays in its own process: the benchmark's app, bare or instrumented, on loopback. It
 * sends its origin over IPC once listening and answers each "stats" message with its CPU time and what
 * the instrumentation recorded, outside HTTP so the answer is neither measured nor traced.
 *
 *   fork("bench/sdk/support/express-server.ts", ["bare" | "sdk" | "otel"], { execArgv: ["--import", "tsx"] })
 */
import type { AddressInfo } from "node:net";
import type { Instrumentation, Listening, ServerStats, Variant } from "./server-variants";

async function instrument(variant: Variant): Promise<Instrumentation> {
  switch (variant) {
    case "bare":
      return { flush: async () => ({ requests: 0, total: 0 }) };
    case "sdk":
      return (await import("./sdk-instrumentation")).sdkInstrumentation();
    case "otel":
      return (await import("./otel-instrumentation")).otelInstrumentation();
  }
}

async function main(): Promise<void> {
  const instrumentation = await instrument(process.argv[2] as Variant);
  // Imported only now: OpenTelemetry patches express as it loads.
  const { createApp } = await import("./express-app");
  const server = createApp(instrumentation.middleware).listen(0, "127.0.0.1", () => {
    const listening: Listening = { origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
    process.send!(listening);
  });
  process.on("message", () => {
    void instrumentation.flush().then((recorded) => {
      const cpu = process.cpuUsage();
      const stats: ServerStats = { ...recorded, cpuUs: cpu.user + cpu.system };
      process.send!(stats);
    });
  });
  process.on("disconnect", () => process.exit());
}

void main();
