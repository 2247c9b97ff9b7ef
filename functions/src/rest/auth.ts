/**
 * Who is calling: `Authorization: Bearer <Firebase ID token>`, verified with the Admin SDK
 * (verifyIdToken with checkRevoked; under the emulators FIREBASE_AUTH_EMULATOR_HOST makes it accept Auth
 * emulator tokens), or `Authorization: Bearer aik_...`, an ingest key (a backend that records only).
 * The verifier is injected so the handler can be tested without an Auth server.
 */
import { errors } from "../errors";
import { bearerCredential, ingestKeyOf } from "../http/credentials";
import { apiErrors } from "./errors";
import type { Principal, TokenClaims } from "../admission/principal";

export interface Caller {
  uid: string;
  /** The custom claim admin: true. */
  admin: boolean;
  /** The token's claims, for the principal that recording is admitted as. */
  claims: TokenClaims;
  /** Set when the caller is an ingest key: the principal it records as (it may do nothing else). */
  ingestKey?: Principal;
}

/** Resolves an ingest key to its principal, or rejects (revoked, unknown, malformed: one 401). */
export type AuthenticateIngestKey = (key: string) => Promise<Principal>;

/** The credential of an Authorization header: an ingest key as it is, anything else as an ID token. */
function credentialOf(header: string | string[] | undefined): { ingestKey: string } | { idToken: string } {
  const ingestKey = ingestKeyOf(header);
  return ingestKey !== undefined ? { ingestKey } : { idToken: bearerToken(header) };
}

/** The Admin SDK's verifyIdToken, or a stand-in: resolves the token's claims or rejects. */
export type VerifyIdToken = (token: string) => Promise<{ uid: string; [claim: string]: unknown }>;

/** A JWT: three base64url parts (an Auth emulator token has an empty signature). */
const JWT = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/;
/** Far above a real ID token (~1 KB, a few KB with large custom claims). */
const MAX_TOKEN_LENGTH = 16_384;

/** The bearer token of an Authorization header; 401 when it is missing or not a JWT. */
export function bearerToken(header: string | string[] | undefined): string {
  if (header === undefined || header === "") throw apiErrors.missingToken();
  if (Array.isArray(header)) throw apiErrors.invalidToken();
  const token = bearerCredential(header);
  // Another scheme (Basic ...) is as good as no token.
  if (token === undefined) throw apiErrors.missingToken();
  if (token.length > MAX_TOKEN_LENGTH || !JWT.test(token)) throw apiErrors.invalidToken();
  return token;
}

/**
 * The production verifier: verifyIdToken with checkRevoked, so that a user whose refresh tokens were
 * revoked (`npm run admin -- revoke`) or who was disabled is refused at once, not when the token expires.
 */
export function revocationCheckingVerifier(
  auth: () => { verifyIdToken(token: string, checkRevoked: boolean): ReturnType<VerifyIdToken> },
): VerifyIdToken {
  return (token) => auth().verifyIdToken(token, true);
}

/** Admin SDK error codes that the token was valid once but its user was signed out or disabled since. */
const REVOKED_CODES = new Set(["auth/id-token-revoked", "auth/user-disabled"]);
/** Admin SDK error codes that mean "this service cannot check tokens now", not "this token is bad". */
const UNAVAILABLE_CODES = new Set(["app/network-error", "app/network-timeout", "auth/internal-error"]);

/** Where no ingest keys are known, every one is rejected like a revoked one. */
const noIngestKeys: AuthenticateIngestKey = () => Promise.reject(errors.ingestKeyRejected());

export async function authenticate(
  header: string | string[] | undefined,
  verify: VerifyIdToken,
  ingestKeys: AuthenticateIngestKey = noIngestKeys,
): Promise<Caller> {
  const credential = credentialOf(header);
  if ("ingestKey" in credential) {
    const principal = await ingestKeys(credential.ingestKey);
    return { uid: principal.id, admin: false, claims: {}, ingestKey: principal };
  }
  const token = credential.idToken;
  let claims: Awaited<ReturnType<VerifyIdToken>>;
  try {
    claims = await verify(token);
  } catch (e) {
    const code = (e as { code?: unknown } | null)?.code;
    if (typeof code === "string" && UNAVAILABLE_CODES.has(code)) throw apiErrors.authUnavailable(e);
    if (typeof code === "string" && REVOKED_CODES.has(code)) throw apiErrors.revokedToken();
    throw apiErrors.invalidToken();
  }
  return { uid: claims.uid, admin: claims.admin === true, claims };
}
