import assert from "node:assert/strict";
import { compileDocumentPattern } from "../../dev/stack/relay/document-pattern";
import { firebaseFunctionsParams } from "./support/firebase-functions-internals";

describe("relay: document patterns", () => {
  const cases: Array<[pattern: string, path: string, params: Record<string, string> | null]> = [
    ["items/{itemId}", "items/a", { itemId: "a" }],
    ["items/{itemId}", "items/a/sub/b", null],
    ["items/{itemId}", "other/a", null],
    ["items/fixed", "items/fixed", {}],
    ["items/fixed", "items/other", null],
    ["users/{userId}/posts/{postId}", "users/u1/posts/p1", { userId: "u1", postId: "p1" }],
    ["users/{userId=*}/posts/{postId}", "users/u1/posts/p1", { userId: "u1", postId: "p1" }],
    ["users/*/posts/{postId}", "users/u1/posts/p1", { postId: "p1" }],
    ["users/{userId}/{rest=**}", "users/u1/posts/p1", { userId: "u1", rest: "posts/p1" }],
    ["users/{userId}/{rest=**}", "users/u1/a/b/c/d", { userId: "u1", rest: "a/b/c/d" }],
    ["users/{userId}/{rest=**}", "users/u1", { userId: "u1", rest: "" }],
    ["users/{path=**}", "users/u1/a/b", { path: "u1/a/b" }],
    ["users/{path=**}", "groups/g1", null],
    ["{coll}/{doc}", "anything/x", { coll: "anything", doc: "x" }],
    ["users/{userId}/**", "users/u1/posts/p1", { userId: "u1" }],
  ];

  for (const [pattern, path, params] of cases) {
    it(`${pattern} ${params ? "matches" : "does not match"} ${path}`, () => {
      assert.deepEqual(compileDocumentPattern(pattern).match(path), params);
    });
  }

  it("captures the same params firebase-functions extracts for the handler", () => {
    for (const [pattern, path, params] of cases) {
      if (!params || Object.values(params).includes("")) continue; // firebase-functions omits empty captures
      assert.deepEqual(params, firebaseFunctionsParams(pattern, path), `${pattern} on ${path}`);
    }
  });
});
