import assert from "node:assert/strict";
import { bucketKey, minuteKeyStart, refoldMinuteRequestSchema } from "../src";

describe("time buckets", () => {
  it("reads a minute bucket key back to its start, and nothing else", () => {
    const ms = Date.parse("2026-12-02T14:30:00Z");
    assert.equal(bucketKey("minute", ms + 59_999), "m202612021430");
    assert.equal(minuteKeyStart("m202612021430"), ms);
    for (const bad of [
      "m202613021430",
      "m202612021460",
      "h2026120214",
      "m20261202143",
      "all",
      " m202612021430",
    ]) {
      assert.equal(minuteKeyStart(bad), null, bad);
    }
  });

  it("accepts only minute keys in a refold request, naming the field", () => {
    assert.equal(refoldMinuteRequestSchema.parse({ minute: "m202612021430" }).minute, "m202612021430");
    const result = refoldMinuteRequestSchema.safeParse({ minute: "m202612021461" });
    assert.equal(result.success, false);
    assert.deepEqual(result.error?.issues[0]?.path, ["minute"]);
  });
});
