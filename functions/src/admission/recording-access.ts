/**
 * Who may record, as configuration (RECORDING_ACCESS in functions/.env):
 *   signed-in       any Firebase user, anonymous included (the default: apps record before sign-in)
 *   non-anonymous   users signed in with a real provider
 *   claim:<name>    users whose ID token carries the custom claim <name>: true
 */
import type { Principal, TokenClaims } from "./principal";

export type RecordingAccess =
  { kind: "signed-in" } | { kind: "non-anonymous" } | { kind: "claim"; claim: string };

const CLAIM = /^claim:([A-Za-z_][A-Za-z0-9_]{0,63})$/;

export function parseRecordingAccess(text: string | undefined): RecordingAccess {
  const value = (text ?? "").trim();
  if (value === "" || value === "signed-in") return { kind: "signed-in" };
  if (value === "non-anonymous") return { kind: "non-anonymous" };
  const claim = CLAIM.exec(value)?.[1];
  if (claim) return { kind: "claim", claim };
  throw new Error(`RECORDING_ACCESS must be signed-in, non-anonymous or claim:<name>, not "${value}"`);
}

/** Why `principal` may not record under `access`, or null when it may. */
export function recordingRefusal(
  access: RecordingAccess,
  principal: Principal,
  claims: TokenClaims,
): string | null {
  switch (access.kind) {
    case "signed-in":
      return null;
    case "non-anonymous":
      return principal.kind === "anonymous"
        ? "Recording needs a signed-in (non-anonymous) user in this project."
        : null;
    case "claim":
      return claims[access.claim] === true
        ? null
        : `Recording needs the custom claim ${access.claim}: true in this project.`;
  }
}
