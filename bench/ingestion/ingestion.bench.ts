/**
 * Ingestion cost, counted: the same traces through the local stack two ways, one recordTraces call
 * (and one document) per trace versus batches of 100, with Firestore document writes and function
 * invocations per trace side by side, end-to-end throughput (sent until aggregated), and the documents
 * getStats reads at 1k and at 100k stored traces.
 *
 * Counts come from local-firestore's usage counters (Firestore's billing rules) and the trigger
 * relay's deliveries: they carry over to production. Times measure this machine and the emulators.
 *
 *   npm run bench                                  (all benchmarks)
 *   node --import tsx bench/ingestion/ingestion.bench.ts   (this one; BENCH_TRACES=1000 BENCH_LARGE=100000)
 */
import { QUOTAS_OFF } from "../../functions/src/admission/quota-plan";
import { randomUUID } from "node:crypto";
import { PROJECT_ID } from "../../dev/stack/config";
import type { Stack } from "../../dev/stack/stack";
import { FOLD_GRACE_MS } from "../../functions/src/aggregation/jobs";
import type { Client } from "../../test/support/client";
import { report, reportFailure } from "../support/report";
import { withStackSession } from "../support/stack-session";

const N = Number(process.env.BENCH_TRACES ?? 1000);
const LARGE = Number(process.env.BENCH_LARGE ?? 100_000);
const BATCH = 100;
const CONCURRENCY = 16;
const BUDGET = { writesPerTrace: 0.05, invocationsPerTrace: 0.025 };

process.env.AIDEON_LOCAL_FIRESTORE = "1"; // the counters are local-firestore's
// The bench measures the pipeline's cost, not the quotas: one anonymous client sends 100,000 traces.
// The functions emulator passes this environment to the functions (functions/.env leaves these unset).
Object.assign(process.env, QUOTAS_OFF);

interface Usage {
  document_reads: number;
  document_writes: number;
}

function traces(count: number, offset: number) {
  const now = Date.now();
  return Array.from({ length: count }, (_, i) => ({
    name: `GET /api/items/{id}`,
    trace_type: "HTTP_REQUEST",
    start_time: new Date(now - 1000 + ((offset + i) % 1000)).toISOString(),
    duration: 0.005 + ((offset + i) % 997) / 1000,
    attributes: { method: "GET", status_code: 200 },
  }));
}

/** Runs `task(i)` for i < count with at most `limit` in flight. */
async function pool(count: number, limit: number, task: (i: number) => Promise<unknown>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, count) }, async () => {
      while (next < count) await task(next++);
    }),
  );
}

class Bench {
  constructor(
    private readonly stack: Stack,
    private readonly recorder: Client,
    private readonly admin: Client,
  ) {}

  private usage(): Usage {
    if (this.stack.firestore.kind !== "local")
      throw new Error("the ingestion benchmark needs local-firestore's counters");
    return this.stack.firestore.server.usage();
  }

  private invocationsSoFar(): number {
    return this.stack.delivery.relay!.stats().delivered;
  }

  /** Waits until the relay has delivered every trigger, including those the triggers' writes cause. */
  private async quiesce(): Promise<void> {
    const relay = this.stack.delivery.relay!;
    for (;;) {
      const before = relay.stats().delivered;
      await relay.settled();
      await new Promise((r) => setTimeout(r, 300));
      if (relay.stats().pending === 0 && relay.stats().delivered === before) return;
    }
  }

  private async fold(): Promise<void> {
    const res = await fetch(`${this.stack.delivery.schedulesUrl}/schedules/foldAggregates/run`, {
      method: "POST",
    });
    if (!res.ok) throw new Error(`fold failed: HTTP ${res.status}`);
  }

  async totalTraces(): Promise<number> {
    return (await this.admin.call<{ stats: { total_traces: number } }>("getStats", {})).stats.total_traces;
  }

  /** Sends `total` traces in calls of `perCall`; counts everything from the first call to the fold. */
  async ingest(total: number, perCall: number) {
    if (this.stack.firestore.kind === "local") this.stack.firestore.server.clear(PROJECT_ID);
    const u0 = this.usage();
    const d0 = this.invocationsSoFar();
    const calls = Math.ceil(total / perCall);
    const started = performance.now();
    await pool(calls, CONCURRENCY, (i) =>
      this.recorder.call("recordTraces", {
        batch_id: randomUUID(),
        traces: traces(Math.min(perCall, total - i * perCall), i * perCall),
      }),
    );
    await this.quiesce();
    const seconds = (performance.now() - started) / 1000;
    await this.fold();
    const u1 = this.usage();
    const invocations = calls + (this.invocationsSoFar() - d0) + 1; // callables + triggers + the fold
    const stored = await this.totalTraces();
    if (stored !== total) throw new Error(`aggregates hold ${stored} traces, expected ${total}`);
    return {
      writesPerTrace: (u1.document_writes - u0.document_writes) / total,
      invocationsPerTrace: invocations / total,
      tracesPerSecond: total / seconds,
    };
  }

  /**
   * Documents one getStats call reads, from the usage counters around it, in the steady state: once
   * the minutes just written are closed and folded (until then it also reads their open shards, at
   * most AGGREGATE_SHARDS per open minute, whatever the number of traces).
   */
  async getStatsReads(): Promise<number> {
    const nextMinute = Math.ceil(Date.now() / 60_000) * 60_000;
    await new Promise((r) => setTimeout(r, nextMinute + FOLD_GRACE_MS + 1000 - Date.now()));
    await this.fold();
    const before = this.usage().document_reads;
    await this.totalTraces();
    return this.usage().document_reads - before;
  }
}

const fmt = (n: number, digits = 3) => n.toFixed(digits).padStart(14);

async function main(): Promise<void> {
  await withStackSession(async ({ stack, recorder, admin }) => {
    const bench = new Bench(stack, recorder, admin);

    report(
      `\ningestion: ${N} traces, one call per trace vs recordTraces batches of ${BATCH} (concurrency ${CONCURRENCY})`,
    );
    const single = await bench.ingest(N, 1);
    const batched = await bench.ingest(N, BATCH);
    report(
      `${"".padEnd(34)}${"1 per call".padStart(14)}${`${BATCH} per call`.padStart(14)}${"budget".padStart(14)}`,
    );
    report(
      `${"document writes / trace".padEnd(34)}${fmt(single.writesPerTrace)}${fmt(batched.writesPerTrace)}${fmt(BUDGET.writesPerTrace)}`,
    );
    report(
      `${"function invocations / trace".padEnd(34)}${fmt(single.invocationsPerTrace)}${fmt(batched.invocationsPerTrace)}${fmt(BUDGET.invocationsPerTrace)}`,
    );
    report(
      `${"end-to-end traces/s (aggregated)".padEnd(34)}${fmt(single.tracesPerSecond, 0)}${fmt(batched.tracesPerSecond, 0)}${"".padStart(14)}`,
    );

    await bench.ingest(1000, BATCH);
    const readsAt1k = await bench.getStatsReads();
    const large = await bench.ingest(LARGE, BATCH);
    const readsAtLarge = await bench.getStatsReads();
    report(
      `\ngetStats documents read:  at 1,000 traces ${readsAt1k}   at ${LARGE.toLocaleString("en")} traces ${readsAtLarge}`,
    );
    report(
      `(${LARGE.toLocaleString("en")} traces in batches of ${BATCH}: ${large.writesPerTrace.toFixed(4)} writes and ${large.invocationsPerTrace.toFixed(4)} invocations per trace, ${large.tracesPerSecond.toFixed(0)} traces/s)`,
    );

    const ok =
      batched.writesPerTrace <= BUDGET.writesPerTrace &&
      batched.invocationsPerTrace <= BUDGET.invocationsPerTrace &&
      readsAt1k === readsAtLarge;
    report(ok ? "\ningestion: within budget" : "\ningestion: OVER BUDGET");
    process.exitCode = ok ? 0 : 1;
  });
}

main().catch(reportFailure);
