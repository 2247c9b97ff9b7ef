/**
 * Stand-in ID tokens for the in-process tests (no Auth server): JWT-shaped, so they pass the handler's
 * format check, and read back by a stand-in verifier. End-to-end tests use real Auth emulator tokens.
 */
import type { VerifyIdToken } from "../../../functions/src/rest/auth";

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");

export function fakeToken(uid: string, claims: Record<string, unknown> = {}): string {
  return `${b64({ alg: "none", typ: "JWT" })}.${b64({ uid, ...claims })}.fake`;
}

/** Accepts tokens made by fakeToken; anything else is rejected like the Admin SDK does. */
export const fakeVerifier: VerifyIdToken = async (token) => {
  const [, payload, signature] = token.split(".");
  if (signature !== "fake" || !payload)
    throw Object.assign(new Error("Decoding Firebase ID token failed."), { code: "auth/argument-error" });
  const claims = JSON.parse(Buffer.from(payload, "base64url").toString("utf8")) as { uid?: unknown };
  if (typeof claims.uid !== "string")
    throw Object.assign(new Error("no uid"), { code: "auth/argument-error" });
  return claims as { uid: string };
};
