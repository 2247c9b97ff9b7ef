/**
 * firestore.rules, evaluated by the official Cloud Firestore emulator through
 * @firebase/rules-unit-testing: every principal x every collection x get / list / create / update /
 * delete, generated from the tables below. Runs in its own project id so that seeding and clearing
 * never touch the product tests' data in the shared emulator (which, in single-project mode, only logs
 * a warning for another project id).
 */
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import {
  assertFails,
  assertSucceeds,
  initializeTestEnvironment,
  type RulesTestContext,
  type RulesTestEnvironment,
} from "@firebase/rules-unit-testing";
import { setLogLevel } from "firebase/firestore";
import { COLLECTIONS } from "../../functions/src/firestore";
import { LOCAL_WEBHOOK_DOC } from "../../functions/src/alerts/webhook-url";
import { RATE_LIMITS_COLLECTION } from "../../functions/src/rest/rate-limit";
import { BENCHMARK_SCRATCH_COLLECTION } from "../../functions/src/rest/benchmark/firestore";
import { loadRules, rulesTarget, withReason } from "./target";

const PROJECT_ID = "demo-aideon-perf-rules";
const RULES_FILE = path.join(__dirname, "..", "..", "firestore.rules");
const SUITE = "security rules";

/** Who may read a collection. Nobody writes anywhere: the functions write with the Admin SDK. */
type Readers = "admins" | "nobody";

/**
 * Keyed by COLLECTIONS' keys, so a collection added there does not compile until it is classified here.
 * `nobody`: secrets (agent key hashes), settings that steer the functions (perf_config holds the
 * webhook override, a server-side request target), delivery internals and per-user counters.
 */
const FUNCTIONS_COLLECTIONS: Record<keyof typeof COLLECTIONS, Readers> = {
  traces: "admins",
  traceBatches: "admins",
  aggregateShards: "admins",
  aggregateRollups: "admins",
  nameRollups: "admins",
  aggregateFolds: "admins",
  nameRegistry: "admins",
  deadLetters: "admins",
  slowOperations: "admins",
  hosts: "admins",
  hostSeries: "admins",
  health: "admins",
  alerts: "admins",
  agentKeys: "nobody",
  ingestKeys: "nobody",
  alertNotifications: "nobody",
  config: "nobody",
  quotas: "nobody",
};

interface CollectionCase {
  name: string;
  readers: Readers;
  /** The document get / update / delete target; seeded with `data`. */
  doc: string;
  data: Record<string, unknown>;
  /** Further documents seeded alongside, so a list has more than the target to return. */
  others?: Record<string, Record<string, unknown>>;
}

/** A representative document per collection, in roughly the shape the functions write. */
const SEEDS: Record<string, Pick<CollectionCase, "doc" | "data" | "others">> = {
  [COLLECTIONS.traces]: {
    doc: "trace-1",
    data: { name: "checkout", type: "custom", status: "active", started_at: 1 },
  },
  [COLLECTIONS.traceBatches]: {
    doc: "batch-1-0",
    data: { chunk: 0, traces: [{ name: "load", duration_ms: 12 }] },
  },
  [COLLECTIONS.aggregateShards]: { doc: "minute-1-shard-0", data: { type: "http", count: 3 } },
  [COLLECTIONS.aggregateRollups]: { doc: "hour-http", data: { type: "http", count: 30 } },
  [COLLECTIONS.nameRollups]: { doc: "hour-http-checkout", data: { name: "checkout", count: 30 } },
  [COLLECTIONS.aggregateFolds]: { doc: "m202612021200", data: { minute: "m202612021200", state: "done" } },
  [COLLECTIONS.nameRegistry]: { doc: "n0123", data: { name: "checkout", trace_type: "HTTP_REQUEST" } },
  [COLLECTIONS.deadLetters]: {
    doc: "fold_abc",
    data: { kind: "fold", subject: "m202612021200", reason: "bad shard" },
  },
  [COLLECTIONS.quotas]: {
    doc: "pd_abc_20000",
    data: { kind: "principal_day", principal: "alice", used: 10, refused: 2 },
  },
  [COLLECTIONS.slowOperations]: { doc: "slow-1", data: { name: "checkout", duration_ms: 9000 } },
  [COLLECTIONS.hosts]: { doc: "host-a", data: { host: "host-a", last_seen: 1 } },
  [COLLECTIONS.hostSeries]: { doc: "host-a-hour-1", data: { host: "host-a", samples: {} } },
  [COLLECTIONS.health]: { doc: "current", data: { status: "healthy" } },
  [COLLECTIONS.alerts]: { doc: "cpu:host-a", data: { rule: "cpu", subject: "host-a", state: "firing" } },
  [COLLECTIONS.agentKeys]: { doc: "key-1", data: { host: "host-a", label: "prod", hash: "sha256:0f" } },
  [COLLECTIONS.ingestKeys]: { doc: "key-1", data: { name: "orders-api", trusted: true, secret_hash: "0f" } },
  [COLLECTIONS.alertNotifications]: {
    doc: "note-1",
    data: { alert: "cpu:host-a", delivered: false, last_error: "HTTP 500" },
  },
  // The webhook override is the document that matters most; the others share its fate.
  [COLLECTIONS.config]: {
    doc: LOCAL_WEBHOOK_DOC,
    data: { url: "http://127.0.0.1:9/hook" },
    others: { thresholds: { overrides: {} }, health: { overrides: {} } },
  },
  [RATE_LIMITS_COLLECTION]: { doc: "0a1b2c-1", data: { count: 5, expire_at: 1 } },
  [BENCHMARK_SCRATCH_COLLECTION]: { doc: "scratch-1", data: { n: 1, expire_at: 1 } },
  // Not written by anything: shows that the perf_ prefix alone grants nothing (allowlist, not pattern).
  perf_future_collection: { doc: "doc-1", data: { v: 1 } },
  // The app's own data: outside our rules, so denied until the app owner merges rules of their own.
  users: { doc: "alice", data: { name: "Alice" } },
};

const READERS: Record<string, Readers> = {
  ...Object.fromEntries(
    Object.entries(FUNCTIONS_COLLECTIONS).map(([key, readers]) => [
      COLLECTIONS[key as keyof typeof COLLECTIONS],
      readers,
    ]),
  ),
  [RATE_LIMITS_COLLECTION]: "nobody",
  [BENCHMARK_SCRATCH_COLLECTION]: "nobody",
  perf_future_collection: "nobody",
  users: "nobody",
};

const CASES: CollectionCase[] = Object.entries(READERS).map(([name, readers]) => {
  const seed = SEEDS[name];
  if (!seed) throw new Error(`no seed document for ${name}`);
  return { name, readers, ...seed };
});

interface Principal {
  name: string;
  isAdmin: boolean;
  context(env: RulesTestEnvironment): RulesTestContext;
}

const PRINCIPALS: Principal[] = [
  { name: "unauthenticated", isAdmin: false, context: (env) => env.unauthenticatedContext() },
  {
    name: "anonymous",
    isAdmin: false,
    context: (env) =>
      env.authenticatedContext("anon-uid", {
        provider_id: "anonymous",
        firebase: { sign_in_provider: "anonymous" },
      }),
  },
  {
    name: "signed-in user",
    isAdmin: false,
    context: (env) =>
      env.authenticatedContext("alice-uid", {
        email: "alice@example.com",
        email_verified: true,
        firebase: { sign_in_provider: "password" },
      }),
  },
  {
    name: "admin",
    isAdmin: true,
    context: (env) =>
      env.authenticatedContext("root-uid", { admin: true, firebase: { sign_in_provider: "password" } }),
  },
  {
    // A claim set by hand as a string must not pass for the boolean the grant CLI sets.
    name: 'user with admin: "true"',
    isAdmin: false,
    context: (env) =>
      env.authenticatedContext("mallory-uid", { admin: "true", firebase: { sign_in_provider: "password" } }),
  },
];

type Db = ReturnType<RulesTestContext["firestore"]>;

interface Operation {
  name: string;
  write: boolean;
  /** Resolves with what was read (the document's data, or the listed ids), nothing for a write. */
  run(db: Db, c: CollectionCase, who: string): Promise<unknown>;
  /** What an allowed read must return: the seeded data, so that "did not fail" is not enough. */
  expected?(c: CollectionCase): unknown;
}

const seededDocs = (c: CollectionCase): Record<string, Record<string, unknown>> => ({
  ...c.others,
  [c.doc]: c.data,
});
const seededIds = (c: CollectionCase): string[] => Object.keys(seededDocs(c)).sort();

const OPERATIONS: Operation[] = [
  {
    name: "get",
    write: false,
    run: async (db, c) => (await db.collection(c.name).doc(c.doc).get()).data(),
    expected: (c) => c.data,
  },
  {
    name: "list",
    write: false,
    run: async (db, c) => (await db.collection(c.name).get()).docs.map((d) => d.id).sort(),
    expected: seededIds,
  },
  {
    name: "create",
    write: true,
    run: (db, c, who) =>
      db
        .collection(c.name)
        .doc(`created-by-${who.replace(/\W+/g, "-")}`)
        .set({ v: 1 }),
  },
  { name: "update", write: true, run: (db, c) => db.collection(c.name).doc(c.doc).update({ touched: true }) },
  { name: "delete", write: true, run: (db, c) => db.collection(c.name).doc(c.doc).delete() },
];

function allowed(principal: Principal, c: CollectionCase, write: boolean): boolean {
  return !write && c.readers === "admins" && principal.isAdmin;
}

describe(SUITE, function () {
  let testEnv: RulesTestEnvironment | undefined;
  const dbs = new Map<string, Db>();

  const env = (): RulesTestEnvironment => {
    if (!testEnv) throw new Error("the rules test environment was not initialised");
    return testEnv;
  };

  async function seed(): Promise<void> {
    await env().withSecurityRulesDisabled(async (ctx) => {
      const db = ctx.firestore();
      for (const c of CASES) {
        for (const [id, data] of Object.entries(seededDocs(c))) await db.collection(c.name).doc(id).set(data);
        // A subcollection document under each collection: the rules grant top-level documents only.
        await db.collection(c.name).doc(c.doc).collection("nested").doc("n1").set({ v: 1 });
      }
    });
  }

  before(async function () {
    const skip = (reason: string) => {
      console.log(`    ${SUITE}: skipped: ${reason}`);
      this.skip();
    };
    const target = rulesTarget(process.env);
    if (!target.run) return skip(target.reason);
    const load = await loadRules(
      target,
      PROJECT_ID,
      readFileSync(RULES_FILE, "utf8"),
      process.env.AIDEON_FIRESTORE_KIND,
    );
    if (!load.loaded) return skip(withReason(load.reason, process.env));
    // Rules are loaded above; the library is given only where the emulator is.
    // Every denied write is otherwise logged as a warning by the SDK; a denial is the expected outcome.
    setLogLevel("error");
    testEnv = await initializeTestEnvironment({
      projectId: PROJECT_ID,
      firestore: { host: target.host, port: target.port },
    });
    await testEnv.clearFirestore();
    await seed();
    for (const p of PRINCIPALS) dbs.set(p.name, p.context(testEnv).firestore());
  });

  after(async function () {
    if (!testEnv) return;
    await testEnv.clearFirestore();
    await testEnv.cleanup();
    setLogLevel("info"); // the SDK's default, for suites that run after this one
  });

  for (const principal of PRINCIPALS) {
    describe(principal.name, function () {
      const db = (): Db => {
        const found = dbs.get(principal.name);
        if (!found) throw new Error(`no Firestore client for ${principal.name}`);
        return found;
      };

      for (const c of CASES) {
        for (const op of OPERATIONS) {
          const may = allowed(principal, c, op.write);
          it(`${principal.name} ${may ? "may" : "may not"} ${op.name} ${c.name}`, async function () {
            if (!may) {
              await assertFails(op.run(db(), c, principal.name));
              return;
            }
            const result = await assertSucceeds(op.run(db(), c, principal.name));
            if (op.expected) assert.deepEqual(result, op.expected(c));
          });
        }

        if (principal.isAdmin) {
          // Nothing nests under perf_ collections today; a future subcollection stays closed until listed.
          it(`${principal.name} may not get ${c.name}/{id}/nested/{id}`, async function () {
            await assertFails(db().collection(c.name).doc(c.doc).collection("nested").doc("n1").get());
          });
          it(`${principal.name} may not list ${c.name}/{id}/nested`, async function () {
            await assertFails(db().collection(c.name).doc(c.doc).collection("nested").get());
          });
        }
      }
    });
  }
});

// Needs no emulator: a collection the functions write under a name outside COLLECTIONS (as the rate
// limits and the benchmark scratch are) would otherwise escape the tables above unnoticed.
describe(`${SUITE}: tables`, function () {
  it("classify every perf_* collection named in functions/src", function () {
    const named = new Set<string>();
    const walk = (dir: string): void => {
      for (const entry of readdirSync(dir, { withFileTypes: true })) {
        const full = path.join(dir, entry.name);
        if (entry.isDirectory()) walk(full);
        else if (entry.name.endsWith(".ts"))
          for (const m of readFileSync(full, "utf8").matchAll(/["'`](perf_[a-z_]+)/g)) named.add(m[1]!);
      }
    };
    walk(path.join(__dirname, "..", "..", "functions", "src"));
    assert.ok(named.size >= 15, `found only ${[...named].join(", ")}`);
    assert.deepEqual(
      [...named].filter((name) => !(name in READERS)),
      [],
    );
  });
});
