/**
 * Agent keys: `apk_<agent_id>_<secret>`. The agent id finds the key's record; only a SHA-256 of the
 * 256-bit random secret is stored (a fast hash is enough for a secret of that entropy), and comparison
 * is constant-time.
 */
import { createHash, randomBytes, timingSafeEqual } from "node:crypto";

const PREFIX = "apk";
const KEY_PATTERN = /^apk_([A-Za-z0-9]{20})_([A-Za-z0-9_-]{43})$/;

export interface ParsedAgentKey {
  agentId: string;
  secret: string;
}

export function newAgentKey(): { agentId: string; secret: string; key: string } {
  const agentId = randomBytes(15).toString("base64url").replace(/[-_]/g, "x").slice(0, 20);
  const secret = randomBytes(32).toString("base64url");
  return { agentId, secret, key: `${PREFIX}_${agentId}_${secret}` };
}

export function parseAgentKey(key: string): ParsedAgentKey | null {
  const match = KEY_PATTERN.exec(key);
  return match ? { agentId: match[1]!, secret: match[2]! } : null;
}

export function hashSecret(secret: string): string {
  return createHash("sha256").update(secret).digest("hex");
}

export function secretMatches(secret: string, storedHash: string): boolean {
  const actual = Buffer.from(hashSecret(secret), "hex");
  const expected = Buffer.from(storedHash, "hex");
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}
