import assert from "node:assert/strict";
import { isAdmin, withAdmin } from "../../tools/admin/claims";

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
