/**
 * Who records: the principal every recording path admits, quotas and caps. A Firebase user (anonymous
 * or signed in with a provider) or an ingest key (a backend's recording credential). Trusted principals (the TRUSTED_CLAIM
 * custom claim) steer health without a cap; the rest are capped or left out (health-sources.ts).
 */
import { createHash } from "node:crypto";

/** The custom claim that marks a principal trusted for health (set like the admin claim). */
export const TRUSTED_CLAIM = "trusted_source";

export const PRINCIPAL_KINDS = ["anonymous", "user", "ingest_key"] as const;
export type PrincipalKind = (typeof PRINCIPAL_KINDS)[number];

export interface Principal {
  /** The uid, or `ingest-key:<key_id>` for an ingest key (what stored traces' owner_uid holds). */
  id: string;
  kind: PrincipalKind;
  trusted: boolean;
  /** Set for an ingest key: its key id, which the traces it records carry. */
  ingestKeyId?: string;
}

/** A decoded ID token's claims, as callables (request.auth.token) and the REST API (verifyIdToken) see them. */
export interface TokenClaims {
  firebase?: { sign_in_provider?: unknown };
  [claim: string]: unknown;
}

export function principalOf(uid: string, claims: TokenClaims): Principal {
  const anonymous = claims.firebase?.sign_in_provider === "anonymous";
  return { id: uid, kind: anonymous ? "anonymous" : "user", trusted: claims[TRUSTED_CLAIM] === true };
}

/** A short stable key for a principal in document ids (uids may hold characters ids may not). */
export const principalKey = (p: Pick<Principal, "id">): string =>
  createHash("sha256").update(p.id).digest("hex").slice(0, 24);

export function ingestKeyPrincipal(keyId: string, trusted: boolean): Principal {
  return { id: `ingest-key:${keyId}`, kind: "ingest_key", trusted, ingestKeyId: keyId };
}

/** The field stored traces and batch chunks carry when an ingest key recorded them. */
export const ingestKeyField = (p: Principal): { ingest_key_id?: string } =>
  p.ingestKeyId ? { ingest_key_id: p.ingestKeyId } : {};
