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

/** An http(s) URL, or undefined: empty or any other value (e.g. "disabled") turns notifications off. */
export function usableWebhookUrl(value: unknown): string | undefined {
  if (typeof value !== "string") return undefined;
  try {
    const url = new URL(value.trim());
    return url.protocol === "https:" || url.protocol === "http:" ? url.toString() : undefined;
  } catch {
    return undefined;
  }
}

export function webhookUrlSource(deps: { db: Firestore; secret: () => string; emulator: boolean }): () => Promise<string | undefined> {
  return async () => {
    if (deps.emulator) {
      const ref = deps.db.collection(COLLECTIONS.config).doc(LOCAL_WEBHOOK_DOC).withConverter(storedLocalWebhookConverter);
      const local = usableWebhookUrl((await ref.get()).data()?.url);
      if (local) return local;
    }
    return usableWebhookUrl(deps.secret());
  };
}
