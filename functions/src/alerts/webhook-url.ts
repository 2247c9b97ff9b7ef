/**
 * Where notifications go: the ALERT_WEBHOOK_URL secret, bound only while ALERT_WEBHOOK_ENABLED=true
 * (config.ts; unbound, there is no URL and notifications are skipped). In the Functions emulator only, the
 * document perf_config/local_alert_webhook `{url}` wins over it: the emulator reads secrets from
 * functions/.secret.local once per worker start, so a running local stack (and its end-to-end tests)
 * could not otherwise be pointed at a local receiver. Deployed functions never read that document.
 */
import type { Firestore } from "firebase-admin/firestore";
import { COLLECTIONS } from "../firestore";
import { storedLocalWebhookConverter } from "../stored/config";

export const LOCAL_WEBHOOK_DOC = "local_alert_webhook";

/** Hosts a local receiver listens on; only these may be plain http, and only under the emulator. */
const LOOPBACK_HOSTS = new Set(["127.0.0.1", "localhost", "[::1]"]);

/**
 * An https URL without credentials, or undefined: empty or any other value (e.g. "disabled") turns
 * notifications off. Credentials are refused because fetch rejects them with an error quoting the whole
 * URL. Under the emulator, http to a loopback host is allowed too (the local test receivers).
 */
export function usableWebhookUrl(value: unknown, options: { emulator?: boolean } = {}): string | undefined {
  if (typeof value !== "string") return undefined;
  let url: URL;
  try {
    url = new URL(value.trim());
  } catch {
    return undefined;
  }
  if (url.username || url.password) return undefined;
  const localHttp = options.emulator === true && url.protocol === "http:" && LOOPBACK_HOSTS.has(url.hostname);
  return url.protocol === "https:" || localHttp ? url.toString() : undefined;
}

export function webhookUrlSource(deps: {
  db: Firestore;
  secret: () => string;
  emulator: boolean;
}): () => Promise<string | undefined> {
  return async () => {
    if (deps.emulator) {
      const ref = deps.db
        .collection(COLLECTIONS.config)
        .doc(LOCAL_WEBHOOK_DOC)
        .withConverter(storedLocalWebhookConverter);
      const local = usableWebhookUrl((await ref.get()).data()?.url, { emulator: true });
      if (local) return local;
    }
    return usableWebhookUrl(deps.secret(), { emulator: deps.emulator });
  };
}
