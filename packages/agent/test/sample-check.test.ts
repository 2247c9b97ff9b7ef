import assert from "node:assert/strict";
import { invalidNumberPath } from "../src/sample-check";

describe("agent sample check", () => {
  it("passes finite non-negative numbers, whatever the nesting", () => {
    assert.equal(invalidNumberPath({ a: 0, b: { c: [1, 2.5, 3] }, d: "text", e: true }), undefined);
  });

  it("names the first NaN, infinite or negative number by its path", () => {
    assert.equal(invalidNumberPath({ cpu: { percent: Number.NaN } }), "cpu.percent");
    assert.equal(invalidNumberPath({ cpu: { load_average: [0, Infinity, 0] } }), "cpu.load_average[1]");
    assert.equal(
      invalidNumberPath({ disk: { mounts: [{ free_bytes: 1 }, { free_bytes: -1 }] } }),
      "disk.mounts[1].free_bytes",
    );
    assert.equal(invalidNumberPath(-1), "(root)");
  });
});
