/**
 * Bearer keys of the form `<prefix>_<id>_<secret>` (agent keys `apk_`, ingest keys `aik_`). The id finds
 * the key's record; only a SHA-256 of the 256-bit random secret is stored (a fast hash is enough for a
 * secret of that entropy), and comparison is constant-time.
 */
import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import { bearerKeyPattern } from "@aideon-perf/core";

export interface ParsedKey {
  id: string;
  secret: string;
}

export interface SecretKeyFormat {
  create(): ParsedKey & { key: string };
  /** The key's id and secret, or null for anything not shaped like this format's keys. */
  parse(key: string): ParsedKey | null;
}

export function secretKeyFormat(prefix: string): SecretKeyFormat {
  const pattern = bearerKeyPattern(prefix);
  return {
    create() {
      const id = randomBytes(15).toString("base64url").replace(/[-_]/g, "x").slice(0, 20);
      const secret = randomBytes(32).toString("base64url");
      return { id, secret, key: `${prefix}_${id}_${secret}` };
    },
    parse(key) {
      const match = pattern.exec(key);
      return match ? { id: match[1]!, secret: match[2]! } : null;
    },
  };
}

export function hashSecret(secret: string): string {
  return createHash("sha256").update(secret).digest("hex");
}

export function secretMatches(secret: string, storedHash: string): boolean {
  const actual = Buffer.from(hashSecret(secret), "hex");
  const expected = Buffer.from(storedHash, "hex");
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}
