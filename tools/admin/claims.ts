/** The admin custom claim, merged into a user's existing claims so other claims survive grant/revoke. */

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
