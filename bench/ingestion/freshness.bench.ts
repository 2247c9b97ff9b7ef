/**
 * Trace-to-aggregate freshness on each Firestore this machine can run: the time from a recordTraces
 * call to the moment getTraceSummary counts that trace, through the real callables (client SDK), one
 * trace at a time. The official emulator fires the Firestore triggers itself; local-firestore needs the
 * dev relay. Times measure this machine and the emulators, not production.
 *
 *   npm run bench -- freshness        (BENCH_FRESHNESS_TRACES=30)
 */
import { randomUUID } from "node:crypto";
import { exactQuantile } from "../../packages/core/test/fixtures/random";
import { table } from "../sdk/support/stats";
import { report, reportFailure } from "../support/report";
import { withStackSession } from "../support/stack-session";

const TRACES = Number(process.env.BENCH_FRESHNESS_TRACES ?? 30);
const POLL_MS = 10;
const GIVE_UP_MS = 30_000;
/** A trace is aggregated within this on either server, or the pipeline is broken. */
const BUDGET_P95_MS = 5_000;

interface Measured {
  firestore: string;
  description: string;
  p50: number;
  p95: number;
  max: number;
}

async function measure(useLocal: boolean): Promise<Measured> {
  if (useLocal) process.env.AIDEON_LOCAL_FIRESTORE = "1";
  else delete process.env.AIDEON_LOCAL_FIRESTORE;
  return withStackSession(async ({ stack, recorder, admin }) => {
    const run = randomUUID().slice(0, 8);
    const latencies: number[] = [];
    for (let i = 0; i < TRACES; i++) {
      const name = `freshness ${run} ${i}`;
      const started = performance.now();
      await recorder.call("recordTraces", {
        batch_id: `${run}-${i}`,
        traces: [{ name, trace_type: "CUSTOM_TRACE", start_time: new Date().toISOString(), duration: 0.01 }],
      });
      for (;;) {
        const { summary } = await admin.call<{ summary: { count: number } }>("getTraceSummary", {
          trace_type: "CUSTOM_TRACE",
          name,
          window: "hour",
        });
        if (summary.count === 1) break;
        if (performance.now() - started > GIVE_UP_MS)
          throw new Error(`trace ${i} was not aggregated within ${GIVE_UP_MS} ms`);
        await new Promise((r) => setTimeout(r, POLL_MS));
      }
      latencies.push(performance.now() - started);
    }
    const sorted = Float64Array.from(latencies).sort();
    return {
      firestore: stack.firestore.kind,
      description: stack.firestore.description,
      p50: exactQuantile(sorted, 0.5),
      p95: exactQuantile(sorted, 0.95),
      max: sorted[sorted.length - 1]!,
    };
  });
}

async function main(): Promise<void> {
  const results = [await measure(false)];
  if (results[0]!.firestore === "official") results.push(await measure(true));
  report(`\nfreshness: ${TRACES} traces, recordTraces -> getTraceSummary counts it (ms)`);
  const ms = (n: number) => n.toFixed(0);
  report(
    table([
      ["firestore", "p50", "p95", "max", "budget p95"],
      ...results.map((r) => [r.firestore, ms(r.p50), ms(r.p95), ms(r.max), ms(BUDGET_P95_MS)]),
    ]),
  );
  for (const r of results) report(`  ${r.firestore}: ${r.description}`);
  const ok = results.every((r) => r.p95 <= BUDGET_P95_MS);
  report(ok ? "\nfreshness: within budget" : "\nfreshness: OVER BUDGET");
  process.exitCode = ok ? 0 : 1;
}

main().catch(reportFailure);
