/** Page tokens: what the API issues round-trips; anything else is a ValidationError naming page_token. */
import assert from "node:assert/strict";
import { ValidationError } from "@aideon-perf/core";
import { decodePageToken, encodePageToken } from "../src/reads/page-token";

/** A token of any JSON content, as a client could craft one. */
const craftedToken = (content: unknown) => Buffer.from(JSON.stringify(content)).toString("base64url");

describe("page tokens", () => {
  it("decodes the tokens the API issues", () => {
    for (const cursor of [
      { timestampMs: 0, id: "a" },
      { timestampMs: Date.parse("2030-01-01T12:00:00Z"), id: "cpu:web-1" },
      { timestampMs: 253_402_300_799_999, id: "x".repeat(150) },
    ]) {
      assert.deepEqual(decodePageToken(encodePageToken(cursor)), cursor);
    }
  });

  it("rejects a time or id no issued token has, naming page_token", () => {
    for (const content of [
      [1e300, "a"],
      [-1, "a"],
      [1.5, "a"],
      [253_402_300_800_000, "a"],
      ["1", "a"],
      [null, "a"],
      [1000, ""],
      [1000, "a/b"],
      [1000, "."],
      [1000, ".."],
      [1000, "__name__"],
      [1000, 7],
      [1000],
      {},
      "x",
    ]) {
      assert.throws(
        () => decodePageToken(craftedToken(content)),
        (e: unknown) => e instanceof ValidationError && e.field === "page_token",
        JSON.stringify(content),
      );
    }
    assert.throws(() => decodePageToken("not-a-token"), ValidationError);
  });
});
