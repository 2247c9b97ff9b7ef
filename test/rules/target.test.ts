import assert from "node:assert/strict";
import { rulesTarget } from "./target";

describe("security rules: which Firestore they run against", () => {
  it("skips without FIRESTORE_EMULATOR_HOST, whatever the kind", () => {
    const target = rulesTarget({ AIDEON_FIRESTORE_KIND: "official" });
    assert.equal(target.run, false);
    assert.match(target.run ? "" : target.reason, /FIRESTORE_EMULATOR_HOST is not set/);
  });

  it("skips local-firestore, with the runner's reason appended", () => {
    assert.deepEqual(
      rulesTarget({
        FIRESTORE_EMULATOR_HOST: "127.0.0.1:8080",
        AIDEON_FIRESTORE_KIND: "local",
        AIDEON_FIRESTORE_DESCRIPTION: "no Java 21+",
      }),
      { run: false, reason: "local-firestore does not evaluate security rules; no Java 21+" },
    );
    assert.deepEqual(
      rulesTarget({ FIRESTORE_EMULATOR_HOST: "127.0.0.1:8080", AIDEON_FIRESTORE_KIND: "local" }),
      {
        run: false,
        reason: "local-firestore does not evaluate security rules",
      },
    );
  });

  it("runs against the official or an external server at FIRESTORE_EMULATOR_HOST", () => {
    assert.deepEqual(
      rulesTarget({ FIRESTORE_EMULATOR_HOST: "127.0.0.1:8080", AIDEON_FIRESTORE_KIND: "official" }),
      {
        run: true,
        host: "127.0.0.1",
        port: 8080,
      },
    );
    assert.deepEqual(
      rulesTarget({ FIRESTORE_EMULATOR_HOST: "[::1]:8380", AIDEON_FIRESTORE_KIND: "external" }),
      { run: true, host: "::1", port: 8380 },
    );
  });

  it("rejects an address without a port", () => {
    assert.throws(() => rulesTarget({ FIRESTORE_EMULATOR_HOST: "127.0.0.1" }), /expected host:port/);
  });
});
