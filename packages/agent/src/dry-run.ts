/** --dry-run: a transport that prints each push as one JSON line on stdout and sends nothing. */
import type { Transport } from "./http-transport";
import { REDACTED } from "./log";

export function dryRunTransport(
  endpoint: URL | undefined,
  hasKey: boolean,
  write: (line: string) => void,
): Transport {
  return async (body) => {
    const request = JSON.parse(body) as { samples: unknown[] };
    const headers = {
      Authorization: hasKey ? `Bearer ${REDACTED}` : "(no key given)",
      "Content-Type": "application/json",
    };
    write(
      `${JSON.stringify({ dry_run: true, method: "POST", endpoint: endpoint?.href ?? null, headers, body: request })}\n`,
    );
    return { kind: "stored", accepted: request.samples.length, duplicates: 0 };
  };
}
