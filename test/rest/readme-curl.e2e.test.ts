/**
 * The curl walk-through of docs/rest.md, run as written (bash + curl) against the running emulators: only the
 * fixed local addresses are pointed at the emulators of this run, and the example email made unique.
 */
import assert from "node:assert/strict";
import { execFile, spawnSync } from "node:child_process";
import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import path from "node:path";
import { clearFirestore } from "../support/firestore";
import { requireEmulators } from "../support/emulators";

const REPO = path.resolve(__dirname, "../..");
const DOC = "docs/rest.md";
const SECTION = "## Trying it locally with curl";

function walkThrough(): string {
  const doc = readFileSync(path.join(REPO, DOC), "utf8");
  const from = doc.indexOf(SECTION);
  assert.ok(from >= 0, `${DOC} has a "${SECTION}" section`);
  const block = /```bash\n([\s\S]*?)```/.exec(doc.slice(from));
  assert.ok(block, "the section has a bash block");
  return block[1]!;
}

describe("docs/rest.md: the REST API curl walk-through", function () {
  this.timeout(120_000);

  it("runs as written against the local stack, every answer a success", async function () {
    const emulators = await requireEmulators(this, "hosting", "auth", "functions");
    if (spawnSync("curl", ["--version"]).status !== 0) {
      console.log("    (skipped: curl is not installed)");
      this.skip();
    }
    await clearFirestore();
    const hosting = emulators.hosting!;
    const auth = emulators.auth!;
    const script = walkThrough()
      .replaceAll("http://127.0.0.1:5002", `http://${hosting.host}:${hosting.port}`)
      .replaceAll("127.0.0.1:9099", `${auth.host}:${auth.port}`)
      .replaceAll("dev@example.com", `readme-${randomUUID()}@example.com`);
    // Each answer on a line of its own (curl prints bodies without a newline).
    const prelude = 'set -euo pipefail\ncurl() { command curl --fail-with-body "$@"; echo; }\n';
    const stdout = await new Promise<string>((resolve, reject) => {
      execFile("bash", ["-c", prelude + script], { cwd: REPO, maxBuffer: 10_000_000 }, (error, out, err) =>
        error ? reject(new Error(`${error.message}\n${out}\n${err}`)) : resolve(out),
      );
    });
    const answers = stdout
      .split("\n")
      .filter((line) => line.startsWith("{"))
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    const curls = (script.match(/^curl -s /gm) ?? []).length;
    assert.equal(answers.length, curls, `one JSON answer per printed curl:\n${stdout}`);
    for (const answer of answers.slice(0, -1)) assert.equal(answer.success, true, JSON.stringify(answer));
    assert.equal(answers.at(-1)?.openapi, "3.1.0");
    const stopped = answers[1] as { message: string; duration: number };
    assert.equal(stopped.message, "Trace stopped successfully");
  });
});
