/**
 * Under `npm test` the stack's schedule ticker is announced to tests in AIDEON_SCHEDULES_URL; the
 * project's own scheduled functions are listed there (run one with POST /schedules/{name}/run).
 */
import assert from "node:assert/strict";

describe("the stack's schedule control endpoint (AIDEON_SCHEDULES_URL)", () => {
  it("lists the project's scheduled functions with a next run", async function () {
    const url = process.env.AIDEON_SCHEDULES_URL;
    if (!url) {
      console.log("    (skipped: no AIDEON_SCHEDULES_URL; run through `npm test`, which starts the ticker)");
      this.skip();
    }
    const res = await fetch(`${url}/schedules`);
    assert.equal(res.status, 200);
    const { schedules } = (await res.json()) as {
      schedules: Array<{ name: string; nextRun: string | null; error?: string }>;
    };
    assert.ok(Array.isArray(schedules));
    for (const s of schedules)
      assert.ok(s.nextRun !== null || s.error, `${s.name} has neither a next run nor a reason`);
  });
});
