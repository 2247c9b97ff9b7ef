import assert from "node:assert/strict";
import { isAdmin, setAdmin, withAdmin, type ClaimsAuth } from "../../tools/admin/claims";

describe("admin CLI: claim merge", () => {
  it("grant adds admin: true and keeps other claims", () => {
    assert.deepEqual(withAdmin({ tier: "gold", admin: false }, true), { tier: "gold", admin: true });
    assert.deepEqual(withAdmin(undefined, true), { admin: true });
  });

  it("revoke removes the admin key and keeps other claims", () => {
    assert.deepEqual(withAdmin({ tier: "gold", admin: true }, false), { tier: "gold" });
    assert.deepEqual(withAdmin(undefined, false), {});
  });

  it("does not modify the claims it is given", () => {
    const claims = { admin: true, tier: "gold" };
    withAdmin(claims, false);
    assert.deepEqual(claims, { admin: true, tier: "gold" });
  });

  it("counts only the boolean true as admin", () => {
    assert.equal(isAdmin({ admin: true }), true);
    assert.equal(isAdmin({ admin: "true" }), false);
    assert.equal(isAdmin(undefined), false);
  });
});

describe("admin CLI: grant and revoke", () => {
  function fakeAuth() {
    const calls: string[] = [];
    const auth: ClaimsAuth = {
      setCustomUserClaims: async (uid, claims) =>
        void calls.push(`setCustomUserClaims ${uid} ${JSON.stringify(claims)}`),
      revokeRefreshTokens: async (uid) => void calls.push(`revokeRefreshTokens ${uid}`),
    };
    return { auth, calls };
  }

  it("revoke removes the claim, then revokes the user's refresh tokens, and says so", async () => {
    const { auth, calls } = fakeAuth();
    const lines = await setAdmin(
      auth,
      { uid: "u1", email: "a@example.com", customClaims: { admin: true, tier: "gold" } },
      false,
    );
    assert.deepEqual(calls, ['setCustomUserClaims u1 {"tier":"gold"}', "revokeRefreshTokens u1"]);
    assert.equal(lines[0], "Revoked admin for u1 (a@example.com).");
    assert.match(lines.join("\n"), /Revoked their refresh tokens/);
  });

  it("grant sets the claim and revokes nothing", async () => {
    const { auth, calls } = fakeAuth();
    const lines = await setAdmin(auth, { uid: "u2" }, true);
    assert.deepEqual(calls, ['setCustomUserClaims u2 {"admin":true}']);
    assert.equal(lines[0], "Granted admin for u2.");
    assert.match(lines.join("\n"), /getIdToken\(true\)/);
  });
});
