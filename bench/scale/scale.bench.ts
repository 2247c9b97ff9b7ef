/**
 * The aggregates at scale, through the real services (recordTraces, the aggregation trigger's handler,
 * the fold, the window reads) on the official Firestore emulator where this machine has one, else
 * local-firestore. Prints, beside their budgets: a 10,000-names flood with steady traffic (exactness,
 * (other), fold time), then 1k and 100k traces over 200 names: the largest commit, the largest shard,
 * the busiest document, and what getStats and a name's getTraceSummary read. Then the load model.
 *
 *   npm run bench -- scale          (BENCH_SCALE_SIZES=1000,100000)
 */
import { spawn, type ChildProcess } from "node:child_process";
import { randomUUID } from "node:crypto";
import { startLocalFirestore } from "@aideon-perf/local-firestore";
import {
  OTHER_TRACE_NAME,
  parseRequest,
  PERFORMANCE_THRESHOLDS,
  recordTracesRequestSchema,
  type TraceType,
} from "@aideon-perf/core";
import { discoverOfficialFirestore } from "../../dev/stack/official-firestore";
import {
  exactQuantile,
  logNormalSamples,
  mulberry32,
  relativeError,
  sortedCopy,
} from "../../packages/core/test/fixtures/random";
import { table } from "../sdk/support/stats";
import { loadModelTable } from "./load-model";
import { QUOTAS_OFF } from "../../functions/src/admission/quota-plan";
import { loadFunctionsEnv } from "../../test/support/functions-env";
import { report, reportFailure } from "../support/report";

const SIZES = (process.env.BENCH_SCALE_SIZES ?? "1000,100000").split(",").map(Number);
const PORT = 8390;
const PROJECT = "demo-aideon-perf-bench";
const BATCH = 100;
const TYPES: TraceType[] = ["HTTP_REQUEST", "DATABASE_QUERY", "EXTERNAL_API", "CUSTOM_TRACE"];
const NAMES = 200;

/** Budgets: the bounds the design promises (see functions/src/aggregation). */
const MiB = 1_048_576;

interface Firestore {
  kind: string;
  stop(): Promise<void>;
}

/** A bare Firestore for the services to talk to (no functions emulator: the bench calls the handlers itself). */
async function startFirestore(): Promise<Firestore> {
  const { found } = discoverOfficialFirestore();
  if (found && process.env.AIDEON_LOCAL_FIRESTORE !== "1") {
    const child: ChildProcess = spawn(
      found.java.java,
      ["-Duser.language=en", "-jar", found.binary, "--host", "127.0.0.1", "--port", String(PORT)],
      { stdio: ["ignore", "pipe", "pipe"] },
    );
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error("the official emulator did not start within 60 s")),
        60_000,
      );
      const watch = (chunk: Buffer) => {
        if (chunk.toString().includes("Dev App Server is now running")) {
          clearTimeout(timer);
          resolve();
        }
      };
      child.stdout!.on("data", watch);
      child.stderr!.on("data", watch);
      child.once("exit", (code) => reject(new Error(`the official emulator exited (${code})`)));
    });
    process.env.FIRESTORE_EMULATOR_HOST = `127.0.0.1:${PORT}`;
    return { kind: `official ${found.version}`, stop: async () => void child.kill("SIGTERM") };
  }
  const server = await startLocalFirestore({ host: "127.0.0.1", port: PORT });
  process.env.FIRESTORE_EMULATOR_HOST = server.address;
  return { kind: "local-firestore", stop: () => server.close() };
}

async function main(): Promise<void> {
  process.env.GCLOUD_PROJECT = PROJECT;
  process.env.METADATA_SERVER_DETECTION = "none";
  // The aggregates' bounds are measured here, not the recording quotas: one principal sends 100,000 traces.
  Object.assign(process.env, QUOTAS_OFF);
  loadFunctionsEnv(); // the params (retention, the name budget) as the functions get them
  const firestore = await startFirestore();
  // Imported after FIRESTORE_EMULATOR_HOST is set: the services connect on first use.
  const { services } = await import("../../functions/src/services");
  const { COLLECTIONS } = await import("../../functions/src/firestore");
  const { AGGREGATE_SHARDS, shardOf, shardDocumentId } =
    await import("../../functions/src/aggregation/shards");
  const { nameKey } = await import("../../functions/src/aggregation/trace-stats");
  const { DEFAULT_NAME_BUDGET_PER_TYPE, SHARD_MAX_BYTES, SLOW_RECORDS_PER_MINUTE } =
    await import("../../functions/src/aggregation/cardinality");
  const { OPEN_SHARDS_READ } = await import("../../functions/src/aggregation/window-reader");
  const { documentBytes, MAX_COMMIT_BYTES } = await import("../../functions/src/stored/document-bytes");
  const { minuteStart } = await import("@aideon-perf/core");
  const s = services();
  let ok = true;
  const check = (pass: boolean) => {
    ok &&= pass;
    return pass ? "ok" : "OVER";
  };

  const clear = async () => {
    await fetch(
      `http://${process.env.FIRESTORE_EMULATOR_HOST}/emulator/v1/projects/${PROJECT}/databases/(default)/documents`,
      { method: "DELETE" },
    );
  };

  /** recordTraces then the trigger's handler for each stored chunk; returns the shard documents written. */
  const written = new Map<string, number>();
  let batchSeq = 0;
  async function record(traces: Array<{ name: string; trace_type: TraceType; duration: number }>) {
    const batchId = `b${(batchSeq += 1)}`;
    const now = new Date().toISOString();
    await s.traces.recordTraces(
      { id: "bench-user", kind: "user", trusted: true },
      parseRequest(recordTracesRequestSchema, {
        batch_id: batchId,
        traces: traces.map((t) => ({ ...t, start_time: now })),
      }),
    );
    const chunks = await s.db.collection(COLLECTIONS.traceBatches).where("batch_id", "==", batchId).get();
    for (const chunk of chunks.docs) {
      await s.finished.batchChunk(chunk.ref);
      const id = shardDocumentId(
        minuteStart(chunk.get("received_at").toMillis()),
        shardOf(chunk.ref.path, AGGREGATE_SHARDS),
      );
      written.set(id, (written.get(id) ?? 0) + 1);
    }
  }

  async function foldAll() {
    const started = performance.now();
    let largest = { documents: 0, bytes: 0 };
    let traces = 0;
    // Fold every closed minute, as the schedule would a few minutes on, recording the largest commit.
    const minutes = await s.store.closedUnfoldedMinutes(Date.now() + 10 * 60_000);
    for (const minute of minutes) {
      const r = await s.store.foldMinute(minute, Date.now() + 10 * 60_000);
      traces += r.traces;
      if (r.largestCommit.bytes > largest.bytes) largest = r.largestCommit;
    }
    return { ms: performance.now() - started, largest, traces, minutes: minutes.length };
  }

  async function largestShardBytes() {
    const shards = await s.db.collection(COLLECTIONS.aggregateShards).get();
    return Math.max(0, ...shards.docs.map((d) => documentBytes(d.ref.path, d.data())));
  }

  report(`scale: the aggregates on ${firestore.kind}`);
  try {
    // --- The flood: 10,000 distinct EXTERNAL_API names from one user, plus steady traffic. ---
    await clear();
    const steady = logNormalSamples(50, Math.log(0.2), 0.6, 5);
    const floodStarted = performance.now();
    for (let call = 0; call < 20; call += 1) {
      await record(
        Array.from({ length: 500 }, (_, i) => ({
          name: `GET flood-${call}-${i}.example.com`,
          trace_type: "EXTERNAL_API" as const,
          duration: 0.05,
        })),
      );
    }
    for (let i = 0; i < 50; i += 10)
      await record(
        Array.from(steady.slice(i, i + 10), (d) => ({
          name: "GET /items",
          trace_type: "HTTP_REQUEST" as const,
          duration: d,
        })),
      );
    const ingestMs = performance.now() - floodStarted;
    const flood = await foldAll();
    const rollups = await s.db
      .collection(COLLECTIONS.nameRollups)
      .where("granularity", "==", "all")
      .where("trace_type", "==", "EXTERNAL_API")
      .get();
    const kept = rollups.docs.filter((d) => d.get("name") !== OTHER_TRACE_NAME);
    const keptExact = kept.filter((d) => d.get("stats.count") === 1).length;
    const other = rollups.docs.find((d) => d.get("name") === OTHER_TRACE_NAME)?.get("stats.count") ?? 0;
    const typeTotal = (await s.stats.getTraceSummary({ trace_type: "EXTERNAL_API", window: "all" })).summary
      .count;
    const http = (
      await s.stats.getTraceSummary({ trace_type: "HTTP_REQUEST", name: "GET /items", window: "all" })
    ).summary;
    const sorted = sortedCopy(Float64Array.from(steady));
    const p95Error = relativeError(http.p95_duration!, exactQuantile(sorted, 0.95));
    const maxKept = DEFAULT_NAME_BUDGET_PER_TYPE * flood.minutes;
    report(
      `\nflood: 10,000 distinct EXTERNAL_API names in 20 calls, then 50 HTTP_REQUEST traces of one name (ingest ${(ingestMs / 1000).toFixed(1)} s, ${flood.minutes} minute(s))`,
    );
    report(
      table([
        ["measure", "measured", "budget", ""],
        [
          "EXTERNAL_API names kept, each exact",
          `${keptExact} of ${kept.length}`,
          `${DEFAULT_NAME_BUDGET_PER_TYPE}/min, all exact`,
          check(
            keptExact === kept.length &&
              kept.length >= DEFAULT_NAME_BUDGET_PER_TYPE &&
              kept.length <= maxKept,
          ),
        ],
        [
          "(other) count (exact: the rest)",
          String(other),
          String(10_000 - keptExact),
          check(other === 10_000 - keptExact),
        ],
        [
          "type total = sum over names",
          `${typeTotal} = ${keptExact + other}`,
          "10000",
          check(typeTotal === 10_000 && keptExact + other === 10_000),
        ],
        ["HTTP_REQUEST name count", String(http.count), "50", check(http.count === 50)],
        [
          "HTTP_REQUEST name p95 relative error",
          `${(p95Error * 100).toFixed(2)}%`,
          "<= 1%",
          check(p95Error <= 0.01),
        ],
        ["fold time", `${(flood.ms / 1000).toFixed(1)} s`, "< 60 s", check(flood.ms < 60_000)],
        [
          "largest fold commit",
          `${flood.largest.documents} docs, ${(flood.largest.bytes / 1024).toFixed(0)} KiB`,
          `<= 400 docs, < ${MAX_COMMIT_BYTES / 4 / MiB} MiB`,
          check(flood.largest.documents <= 400 && flood.largest.bytes < MAX_COMMIT_BYTES / 4),
        ],
        [
          "largest shard document",
          `${((await largestShardBytes()) / 1024).toFixed(0)} KiB`,
          `<= ${(SHARD_MAX_BYTES / 1024).toFixed(0)} KiB`,
          check((await largestShardBytes()) <= SHARD_MAX_BYTES),
        ],
      ]),
    );

    // --- Steady traffic at two sizes: 200 names over 4 types, 5% slow, batches of 100. ---
    const rows: string[][] = [
      ["measure", ...SIZES.map((n) => `${n.toLocaleString("en-US")} traces`), "budget", ""],
    ];
    const results: Array<Record<string, number>> = [];
    for (const size of SIZES) {
      await clear();
      written.clear();
      const random = mulberry32(size);
      const truth = new Map<string, number>();
      const started = performance.now();
      for (let sent = 0; sent < size; sent += BATCH) {
        const traces = Array.from({ length: Math.min(BATCH, size - sent) }, () => {
          const n = Math.floor(random() * NAMES);
          const type = TYPES[n % TYPES.length]!;
          const slow = random() < 0.05;
          const duration = slow
            ? PERFORMANCE_THRESHOLDS[type].poor * (1.5 + random())
            : 0.01 + random() * 0.2;
          truth.set(`${type}|name ${n}`, (truth.get(`${type}|name ${n}`) ?? 0) + 1);
          return { name: `name ${n}`, trace_type: type, duration };
        });
        await record(traces);
      }
      const ingestMs = performance.now() - started;
      const shardBytes = await largestShardBytes();
      const fold = await foldAll();
      const statsRead = await s.store.readWindow("all", Date.now());
      const hourRead = await s.store.readWindow("hour", Date.now());
      const [probe, probeCount] = [...truth.entries()][0]!;
      const [probeType, probeName] = probe.split("|") as [TraceType, string];
      const nameRead = await s.store.readWindow("hour", Date.now(), nameKey(probeType, probeName));
      const exact = nameRead.names[nameKey(probeType, probeName)]?.stats.count === probeCount;
      const total = Object.values(statsRead.types).reduce((n, t) => n + (t?.count ?? 0), 0);
      const busiest = Math.max(...written.values());
      results.push({
        ingestS: ingestMs / 1000,
        foldS: fold.ms / 1000,
        exactTotal: total === size ? 1 : 0,
        exact: exact ? 1 : 0,
        commitDocs: fold.largest.documents,
        commitKiB: fold.largest.bytes / 1024,
        shardKiB: shardBytes / 1024,
        busiest,
        statsDocs: statsRead.documentsRead,
        statsKiB: statsRead.bytesRead / 1024,
        hourDocs: hourRead.documentsRead,
        hourKiB: hourRead.bytesRead / 1024,
        nameDocs: nameRead.documentsRead,
        nameKiB: nameRead.bytesRead / 1024,
      });
    }
    const row = (
      label: string,
      key: string,
      fmt: (n: number) => string,
      budget: string,
      pass: (n: number) => boolean,
    ) =>
      rows.push([
        label,
        ...results.map((r) => fmt(r[key]!)),
        budget,
        check(results.every((r) => pass(r[key]!))),
      ]);
    const f1 = (n: number) => n.toFixed(1);
    const f0 = (n: number) => n.toFixed(0);
    /** An upper-bound budget: its label and its check. */
    const atMost = (limit: number) => [`<= ${limit}`, (n: number) => n <= limit] as const;
    row("ingest time (s, this machine)", "ingestS", f1, "-", () => true);
    row("fold time (s)", "foldS", f1, "< 60 s", (n) => n < 60);
    row("all-time total exact (1 = yes)", "exactTotal", f0, "1", (n) => n === 1);
    row("a name's hour count exact (1 = yes)", "exact", f0, "1", (n) => n === 1);
    row("largest fold commit (documents)", "commitDocs", f0, ...atMost(400));
    row(
      "largest fold commit (KiB)",
      "commitKiB",
      f0,
      `< ${(MAX_COMMIT_BYTES / 4 / 1024).toFixed(0)}`,
      (n) => n * 1024 < MAX_COMMIT_BYTES / 4,
    );
    row(
      "largest shard document (KiB)",
      "shardKiB",
      f0,
      `<= ${(SHARD_MAX_BYTES / 1024).toFixed(0)}`,
      (n) => n * 1024 <= SHARD_MAX_BYTES,
    );
    row("writes to the busiest shard in its minute", "busiest", f0, "-", () => true);
    row("getStats (all): documents read", "statsDocs", f0, ...atMost(1 + OPEN_SHARDS_READ));
    row("getStats (all): KiB read", "statsKiB", f0, "-", () => true);
    row("getStats (hour): documents read", "hourDocs", f0, ...atMost(60 + OPEN_SHARDS_READ));
    row("getStats (hour): KiB read", "hourKiB", f0, "-", () => true);
    row("getTraceSummary(name, hour): documents", "nameDocs", f0, ...atMost(60 + OPEN_SHARDS_READ + 5));
    row("getTraceSummary(name, hour): KiB read", "nameKiB", f0, "-", () => true);
    report(
      `\nsteady traffic: ${NAMES} names over ${TYPES.length} types, 5% slow, batches of ${BATCH}, folded after ingest`,
    );
    report(table(rows));

    // The busiest document at 10,000 traces/s: one minute of batch documents (100 a second) hashed onto
    // the shards by the triggers' own shardOf; every other document takes at most 2 writes a minute.
    const perShard = new Map<number, number>();
    for (let i = 0; i < (10_000 / BATCH) * 60; i += 1) {
      const shard = shardOf(`${COLLECTIONS.traceBatches}/${randomUUID()}_0`, AGGREGATE_SHARDS);
      perShard.set(shard, (perShard.get(shard) ?? 0) + 1);
    }
    const busiestPerSecond = Math.max(...perShard.values()) / 60;
    report(
      "\n" +
        table([
          ["at 10,000 traces/s (batches of 100)", "measured", "budget", ""],
          [
            `busiest shard of ${AGGREGATE_SHARDS} (writes/s over a minute)`,
            busiestPerSecond.toFixed(2),
            "<= 1",
            check(busiestPerSecond <= 1),
          ],
          ["all-time and hour rollups, fold document (writes/s)", (2 / 60).toFixed(3), "<= 1", "ok"],
          [
            "slow records written per minute (indexed timestamp)",
            `<= ${SLOW_RECORDS_PER_MINUTE}`,
            "< 500/s",
            "ok",
          ],
        ]),
    );
    report("\nload model (production Firestore, list prices; bench/scale/load-model.ts):\n");
    report(loadModelTable());
  } finally {
    await firestore.stop();
  }
  report(ok ? "\nscale: within budget" : "\nscale: OVER BUDGET");
  process.exitCode = ok ? 0 : 1;
}

main().catch(reportFailure);
