/**
 * The admin custom claim, merged into a user's existing claims so other claims survive grant/revoke;
 * and the grant/revoke step itself over the few Auth calls it needs, so it is tested without Firebase.
 */

export type Claims = Record<string, unknown>;

export const ADMIN_CLAIM = "admin";

export function withAdmin(claims: Claims | undefined, admin: boolean): Claims {
  const others: Claims = { ...claims };
  delete others[ADMIN_CLAIM];
  return admin ? { ...others, [ADMIN_CLAIM]: true } : others;
}

export function isAdmin(claims: Claims | undefined): boolean {
  return claims?.[ADMIN_CLAIM] === true;
}

/** The Admin SDK Auth calls a grant or revoke makes. */
export interface ClaimsAuth {
  setCustomUserClaims(uid: string, claims: Claims | null): Promise<void>;
  revokeRefreshTokens(uid: string): Promise<void>;
}

/**
 * Grants or revokes admin and returns what to tell the operator. A revoke also revokes the user's refresh
 * tokens: claims travel in ID tokens, so without it a removed admin keeps reading until theirs expires.
 */
export async function setAdmin(
  auth: ClaimsAuth,
  user: { uid: string; email?: string; customClaims?: Claims },
  granting: boolean,
): Promise<string[]> {
  await auth.setCustomUserClaims(user.uid, withAdmin(user.customClaims, granting));
  const who = `${user.uid}${user.email ? ` (${user.email})` : ""}`;
  if (granting) {
    // The client caches its ID token for up to an hour.
    return [
      `Granted admin for ${who}.`,
      "The user must refresh their ID token (getIdToken(true)) or sign in again for this to take effect.",
    ];
  }
  // After the claim change: a token minted from here on no longer carries admin.
  await auth.revokeRefreshTokens(user.uid);
  return [
    `Revoked admin for ${who}.`,
    "Revoked their refresh tokens: they must sign in again. The REST API refuses their current ID token now; " +
      "Firestore rules and callables honour it until it expires (within an hour).",
  ];
}
