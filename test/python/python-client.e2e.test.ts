/**
 * The Python client (clients/python) inside `npm test`: its whole pytest suite in one run, in a venv
 * under the git-ignored .stack/ (made, and flask / requests / pytest installed, on the first run). The
 * unit tests use a fake receiver; the end-to-end ones run a Flask app on a werkzeug server thread that
 * records with an ingest key created here, through the Hosting emulator's /api/** rewrite. They write
 * one JSON line per trace the server must now hold; the stored batches of that key must be exactly
 * those (each request once, by route rule, with its status code). A missing Python fails, never skips.
 */
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { LIMITS, METRIC_TYPES, PERFORMANCE_THRESHOLDS } from "@aideon-perf/core";
import { adminClient } from "../support/client";
import { requireEmulators } from "../support/emulators";
import { waitFor } from "../support/wait";
import { countBy, storedTracesOfKey } from "../support/ingest-key-traces";
import { runProcess } from "../support/processes";

const REPO = path.resolve(__dirname, "../..");
const CLIENT = path.join(REPO, "clients/python");
const VENV = path.join(REPO, ".stack/python-venv");
const VENV_PYTHON = path.join(VENV, process.platform === "win32" ? "Scripts/python.exe" : "bin/python");
const REQUIREMENTS = ["flask", "requests", "pytest"];
/** The end-to-end tests of clients/python/tests/test_stack_e2e.py: each must have run and passed. */
const E2E_TESTS = [
  "test_a_flask_app_records_exactly_the_requests_it_served",
  "test_a_retried_batch_id_is_stored_once",
  "test_an_unknown_key_is_refused_with_401_and_not_retried",
  "test_an_invalid_batch_is_refused_with_400_and_not_retried",
];

const run = (command: string, args: string[], env: NodeJS.ProcessEnv = process.env) =>
  runProcess(command, args, { cwd: REPO, env });

const tail = (text: string, lines = 15): string => text.trim().split("\n").slice(-lines).join("\n");

/** The venv's python, with the requirements importable; made or completed as needed. */
async function pythonWithRequirements(): Promise<string> {
  if (!existsSync(VENV_PYTHON)) {
    const base = process.env.PYTHON ?? "python3";
    const made = await run(base, ["-m", "venv", VENV]);
    if (made.code !== 0) {
      throw new Error(
        `the Python client's tests need Python 3.9+ with venv and pip: \`${base} -m venv ${VENV}\` failed (set PYTHON to another interpreter, or install python3-venv):\n${tail(made.stderr)}`,
      );
    }
  }
  if ((await run(VENV_PYTHON, ["-c", `import ${REQUIREMENTS.join(", ")}`])).code !== 0) {
    const installed = await run(VENV_PYTHON, ["-m", "pip", "install", "--quiet", ...REQUIREMENTS]);
    if (installed.code !== 0)
      throw new Error(
        `\`pip install ${REQUIREMENTS.join(" ")}\` into ${VENV} failed:\n${tail(installed.stderr)}`,
      );
  }
  return VENV_PYTHON;
}

interface PytestReport {
  totals: Record<"tests" | "failures" | "errors" | "skipped", number>;
  passed: string[];
  notPassed: string[];
}

/** Totals and test names from pytest's JUnit XML (the only output format it has built in). */
function readJunit(xml: string): PytestReport {
  const suite = /<testsuite\b([^>]*)>/.exec(xml)?.[1];
  if (suite === undefined) throw new Error(`no <testsuite> in pytest's report:\n${xml.slice(0, 500)}`);
  const attribute = (name: string) => Number(new RegExp(`\\b${name}="(\\d+)"`).exec(suite)?.[1] ?? NaN);
  const passed: string[] = [];
  const notPassed: string[] = [];
  for (const [, attributes, body] of xml.matchAll(/<testcase\b([^>]*?)(?:\/>|>([\s\S]*?)<\/testcase>)/g)) {
    const name = /\bname="([^"]*)"/.exec(attributes ?? "")?.[1] ?? "?";
    (/<(failure|error|skipped)\b/.test(body ?? "") ? notPassed : passed).push(name);
  }
  return {
    totals: {
      tests: attribute("tests"),
      failures: attribute("failures"),
      errors: attribute("errors"),
      skipped: attribute("skipped"),
    },
    passed,
    notPassed,
  };
}

interface Expected {
  trace_type: string;
  name: string;
  status_code: number | null;
}

const traceKey = (t: { trace_type: string; name: string; status_code?: unknown }) =>
  `${t.trace_type} ${t.name}${typeof t.status_code === "number" ? ` -> ${t.status_code}` : ""}`;

describe("Python client (clients/python): pytest suite against the stack", function () {
  this.timeout(600_000);
  let python: string;
  let admin: Awaited<ReturnType<typeof adminClient>>;
  let endpoint: string;
  let workDir: string;

  before(async function () {
    const emulators = await requireEmulators(this, "hosting", "functions", "auth");
    endpoint = `http://${emulators.hosting!.host}:${emulators.hosting!.port}`;
    admin = await adminClient(emulators);
    python = await pythonWithRequirements();
    workDir = mkdtempSync(path.join(tmpdir(), "aideon-python-client-"));
  });
  after(async () => {
    if (workDir) rmSync(workDir, { recursive: true, force: true });
    await admin?.close();
  });

  it("its trace types, thresholds and limits are the core's", async () => {
    const dumped = await run(
      python,
      [
        "-c",
        "import json, aideon_perf.constants as c; print(json.dumps({'types': dict(c.METRIC_TYPES), 'thresholds': {k: dict(v) for k, v in c.PERFORMANCE_THRESHOLDS.items()}, " +
          "'limits': [c.NAME_MAX_LENGTH, c.MAX_ATTRIBUTES, c.ATTRIBUTE_KEY_MAX_LENGTH, c.ATTRIBUTE_VALUE_MAX_LENGTH, c.MAX_METRICS, c.MAX_TRACES_PER_BATCH, c.MAX_DURATION_SECONDS]}))",
      ],
      { ...process.env, PYTHONPATH: CLIENT },
    );
    assert.equal(dumped.code, 0, dumped.stderr);
    const constants = JSON.parse(dumped.stdout) as { types: unknown; thresholds: unknown; limits: number[] };
    assert.deepEqual(constants.types, METRIC_TYPES);
    assert.deepEqual(constants.thresholds, PERFORMANCE_THRESHOLDS);
    const {
      NAME_MAX_LENGTH,
      MAX_ATTRIBUTES,
      ATTRIBUTE_KEY_MAX_LENGTH,
      ATTRIBUTE_VALUE_MAX_LENGTH,
      MAX_METRICS,
      MAX_TRACES_PER_BATCH,
      MAX_DURATION_SECONDS,
    } = LIMITS;
    assert.deepEqual(constants.limits, [
      NAME_MAX_LENGTH,
      MAX_ATTRIBUTES,
      ATTRIBUTE_KEY_MAX_LENGTH,
      ATTRIBUTE_VALUE_MAX_LENGTH,
      MAX_METRICS,
      MAX_TRACES_PER_BATCH,
      MAX_DURATION_SECONDS,
    ]);
  });

  it("every pytest test passes, none skipped; the Flask app's requests are stored exactly once each, by route, with status codes", async () => {
    const { key, key_id } = await admin.call<{ key: string; key_id: string }>("createIngestKey", {
      name: "python-client-e2e",
    });
    const junit = path.join(workDir, "pytest.xml");
    const expectedFile = path.join(workDir, "expected.jsonl");
    const pytest = await run(
      python,
      ["-m", "pytest", "clients/python/tests", "-q", "-p", "no:cacheprovider", `--junitxml=${junit}`],
      {
        ...process.env,
        PYTHONDONTWRITEBYTECODE: "1",
        AIDEON_E2E_ENDPOINT: endpoint,
        AIDEON_E2E_INGEST_KEY: key,
        AIDEON_E2E_EXPECTED: expectedFile,
      },
    );
    const output = `${tail(pytest.stdout, 40)}\n${tail(pytest.stderr)}`;
    assert.ok(existsSync(junit), `pytest wrote no report (exit ${pytest.code}):\n${output}`);
    const report = readJunit(readFileSync(junit, "utf8"));
    assert.deepEqual(report.notPassed, [], `pytest tests failed or were skipped:\n${output}`);
    assert.deepEqual(
      { ...report.totals, exit: pytest.code },
      { tests: report.passed.length, failures: 0, errors: 0, skipped: 0, exit: 0 },
      output,
    );
    for (const name of E2E_TESTS) assert.ok(report.passed.includes(name), `${name} did not run:\n${output}`);
    console.log(`      pytest: ${report.totals.tests} passed`);

    const expected = readFileSync(expectedFile, "utf8")
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line) as Expected);
    const requests = expected.filter((t) => t.trace_type === "HTTP_REQUEST");
    assert.ok(
      requests.length >= 20 && new Set(requests.map((t) => t.status_code)).size >= 4,
      "the app served several routes and statuses",
    );
    const stored = await storedTracesOfKey(key_id);
    const storedKeys = stored.map((t) => ({
      trace_type: t.trace_type,
      name: t.name,
      status_code: t.trace_type === "HTTP_REQUEST" ? t.attributes.status_code : undefined,
    }));
    assert.deepEqual(
      countBy(storedKeys, traceKey),
      countBy(expected, traceKey),
      "exactly the traces the app recorded, each once",
    );
    for (const trace of stored.filter((t) => t.trace_type === "HTTP_REQUEST")) {
      const route = trace.name.startsWith(`${trace.attributes.method} /`)
        ? trace.name.slice(String(trace.attributes.method).length + 1)
        : undefined;
      assert.equal(trace.attributes.route, route, `${trace.name}: route attribute`);
    }

    // And the aggregates read them back: the failing route's three 500s.
    const summary = await waitFor(
      () =>
        admin.call<{ summary: { count: number } }>("getTraceSummary", {
          trace_type: "HTTP_REQUEST",
          name: "GET /reports/<int:year>",
        }),
      (answer) => answer.summary.count >= 3,
    );
    assert.equal(summary.summary.count, 3);
  });
});
