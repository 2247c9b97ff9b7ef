/**
 * Sends one outbox notification to the webhook, at most once after success. An invocation first takes
 * a lease on the notification in a transaction (a duplicate or concurrent delivery of the same event
 * finds it sent, or leased and backs off), posts with a few quick retries, then marks it sent. A
 * failure that may heal (network, timeout, HTTP 408/429/5xx) throws so that the trigger is retried by
 * the platform with its own backoff; one that will not (another 4xx, or a redirect: redirects are not
 * followed) is recorded as failed. The URL is a secret: it is never logged or stored, and neither is a
 * fetch error's message, which may quote it.
 */
import { logger } from "firebase-functions";
import { FieldValue, Timestamp, type DocumentReference, type Firestore } from "firebase-admin/firestore";
import { setTimeout as sleepMs } from "node:timers/promises";
import { backoffDelay, type BackoffPolicy } from "@aideon-perf/core";
import {
  storedAlertNotificationConverter,
  type StoredAlertNotification,
} from "../stored/alert-notifications";
import { webhookBody } from "./notifications";

/** A webhook that has not answered by then is treated as failed (and retried). */
export const WEBHOOK_TIMEOUT_MS = 10_000;
/** Posts per invocation; with the timeout and backoff they fit well inside the trigger's 60 s. */
export const ATTEMPTS_PER_INVOCATION = 3;
export const RETRY_BACKOFF: BackoffPolicy = { initialDelayMs: 500, maxDelayMs: 4_000 };
/** Longer than the trigger's 60 s timeout: a retry never overlaps a delivery that is still running. */
export const DELIVERY_LEASE_MS = 90_000;
/** Past this age a notification is given up (the platform would retry a failing trigger for days). */
export const MAX_DELIVERY_AGE_MS = 24 * 3_600_000;

export type DeliveryOutcome = "sent" | "skipped" | "failed" | "already-handled";

class WebhookError extends Error {
  constructor(
    message: string,
    readonly retryable: boolean,
  ) {
    super(message);
  }
}

const messages = {
  notConfigured:
    "no webhook configured (ALERT_WEBHOOK_ENABLED is not true, or the ALERT_WEBHOOK_URL secret is not an https URL without credentials)",
  tooOld: (ageMs: number) =>
    `given up: still not delivered ${Math.round(ageMs / 60_000)} minutes after it was created`,
  leaseHeld: (id: string) => `notification ${id} is being delivered by another invocation; retrying later`,
  willRetry: (id: string, reason: string) =>
    `notification ${id}: webhook delivery failed, will retry: ${reason}`,
  rejected: (id: string, reason: string) =>
    `notification ${id}: the webhook rejected it, not retrying: ${reason}`,
};

export interface WebhookDeliveryDeps {
  db: Firestore;
  webhookUrl: () => Promise<string | undefined>;
  now: () => number;
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
}

/** A fetch error's name and code, e.g. "TypeError (ECONNREFUSED)", "TimeoutError": never its message. */
function fetchErrorKind(e: unknown): string {
  const err = e as { name?: unknown; code?: unknown; cause?: { code?: unknown } } | null;
  const name = typeof err?.name === "string" ? err.name : "Error";
  const code = [err?.cause?.code, err?.code].find((c) => typeof c === "string");
  return code ? `${name} (${code})` : name;
}

async function post(url: string, body: unknown): Promise<void> {
  let res: Response;
  try {
    res = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(WEBHOOK_TIMEOUT_MS),
      // A 3xx is answered as is (a failed delivery): the body is never re-sent to wherever it points.
      redirect: "manual",
    });
  } catch (e) {
    throw new WebhookError(`request failed: ${fetchErrorKind(e)}`, true);
  }
  await res.arrayBuffer().catch(() => undefined);
  if (!res.ok)
    throw new WebhookError(
      `HTTP ${res.status}`,
      res.status === 408 || res.status === 429 || res.status >= 500,
    );
}

export function webhookDelivery(deps: WebhookDeliveryDeps) {
  const sleep = deps.sleep ?? ((ms: number) => sleepMs(ms));

  async function postWithRetries(url: string, body: unknown): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await post(url, body);
      } catch (e) {
        if (!(e instanceof WebhookError) || !e.retryable || attempt >= ATTEMPTS_PER_INVOCATION) throw e;
        await sleep(backoffDelay(attempt - 1, RETRY_BACKOFF, deps.random));
      }
    }
  }

  /** Takes the lease, or settles a notification that is done, skipped or too old. */
  function claim(ref: DocumentReference<StoredAlertNotification>, url: string | undefined) {
    return deps.db.runTransaction(
      async (tx): Promise<{ send: StoredAlertNotification } | { outcome: DeliveryOutcome }> => {
        const doc = (await tx.get(ref)).data();
        if (!doc || doc.status === "sent" || doc.status === "skipped" || doc.status === "failed")
          return { outcome: "already-handled" };
        const nowMs = deps.now();
        if (doc.status === "sending" && doc.lease_until && doc.lease_until.toMillis() > nowMs)
          throw new Error(messages.leaseHeld(ref.id));
        const ageMs = nowMs - doc.created_at.toMillis();
        if (ageMs >= MAX_DELIVERY_AGE_MS) {
          tx.update(ref, { status: "failed", lease_until: null, last_error: messages.tooOld(ageMs) });
          return { outcome: "failed" };
        }
        if (!url) {
          tx.update(ref, { status: "skipped", last_error: messages.notConfigured });
          return { outcome: "skipped" };
        }
        tx.update(ref, {
          status: "sending",
          lease_until: Timestamp.fromMillis(nowMs + DELIVERY_LEASE_MS),
          attempts: FieldValue.increment(1),
        });
        return { send: doc };
      },
    );
  }

  return {
    /** Throws when sending failed in a way that may heal, so that the trigger is retried. */
    async deliver(untyped: DocumentReference): Promise<DeliveryOutcome> {
      const ref = untyped.withConverter(storedAlertNotificationConverter);
      const url = await deps.webhookUrl();
      const claimed = await claim(ref, url);
      if ("outcome" in claimed) return claimed.outcome;
      try {
        await postWithRetries(url!, webhookBody(claimed.send));
      } catch (e) {
        const reason = e instanceof WebhookError ? e.message : `delivery failed: ${fetchErrorKind(e)}`;
        const retryable = !(e instanceof WebhookError) || e.retryable;
        await ref.update({ status: retryable ? "pending" : "failed", lease_until: null, last_error: reason });
        if (retryable) throw new Error(messages.willRetry(ref.id, reason));
        logger.error(messages.rejected(ref.id, reason));
        return "failed";
      }
      await ref.update({
        status: "sent",
        sent_at: Timestamp.fromMillis(deps.now()),
        lease_until: null,
        last_error: null,
      });
      return "sent";
    },
  };
}

export type WebhookDelivery = ReturnType<typeof webhookDelivery>;
