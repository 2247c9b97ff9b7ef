/**
 * Alerts with their real handlers against a real Firestore API server: the lifecycle driven by the
 * wrapped evaluateHealth at controlled times, concurrent evaluations, getAlerts, and the notification
 * trigger posting to a real local webhook receiver.
 */
import assert from "node:assert/strict";
import { Timestamp } from "firebase-admin/firestore";
import { alertsResponseSchema, DAY_MS } from "@aideon-perf/core";
import { adminDb, clearFirestore, ensureFirestore } from "../../test/support/firestore";
import { COLLECTIONS } from "../src/firestore";
import * as fns from "../src/index";
import { ATTEMPTS_PER_INVOCATION } from "../src/alerts/webhook-delivery";
import { newNotification } from "../src/alerts/notifications";
import { admin, alice, call, rejection, withoutBackgroundTriggers } from "./helpers";
import {
  alertDocs,
  deliverNotification,
  evaluateAt,
  notificationDocs,
  putHost,
  resetHealthConfig,
  setHealthConfig,
  startWebhookReceiver,
  type WebhookReceiver,
} from "./health-support";

type AlertsResponse = {
  success: true;
  alerts: Array<Record<string, unknown> & { id: string; status: string; subject: string }>;
  next_page_token: string | null;
};
const getAlerts = (req: Record<string, unknown> = {}) => call<AlertsResponse>(fns.getAlerts, req, admin);

const T0 = Date.parse("2030-01-01T12:00:00Z");
const MIN = 60_000;

const iso = (ms: number) => new Date(ms).toISOString();

/** A host that keeps reporting through the test (a long push interval) at the given CPU. */
const hostAtCpu = (hostId: string, cpu: number) =>
  putHost(hostId, { lastSeenMs: T0, intervalSeconds: 3600, cpu });

describe("alerts (wrapped evaluateHealth and sendAlertNotification, real Firestore)", function () {
  this.timeout(60_000);
  withoutBackgroundTriggers();
  before(ensureFirestore);
  beforeEach(async () => {
    await clearFirestore();
    await resetHealthConfig();
  });

  describe("lifecycle", () => {
    it("fires exactly one alert after the hold time, resolves it when it clears, and can fire again", async () => {
      await hostAtCpu("web-1", 85.2);
      await evaluateAt(T0);
      let [alert] = await alertDocs();
      assert.equal(alert?.id, "cpu:web-1");
      assert.deepEqual(
        [alert!.get("status"), alert!.get("message"), alert!.get("fired_at")],
        ["pending", "High CPU usage: 85.2% on web-1", null],
      );
      assert.equal((await notificationDocs()).length, 0);

      await evaluateAt(T0 + MIN);
      assert.equal((await alertDocs())[0]!.get("status"), "pending", "held 60 s of 120");
      assert.equal((await notificationDocs()).length, 0);

      await evaluateAt(T0 + 2 * MIN);
      [alert] = await alertDocs();
      assert.equal(alert!.get("status"), "firing");
      assert.equal(alert!.get("fired_at").toMillis(), T0 + 2 * MIN);
      let notes = await notificationDocs();
      assert.deepEqual(
        notes.map((n) => [n.get("kind"), n.get("status"), n.get("alert").alert_id]),
        [["firing", "pending", "cpu:web-1"]],
      );

      await evaluateAt(T0 + 3 * MIN);
      assert.equal((await notificationDocs()).length, 1, "still firing: announced once");

      await hostAtCpu("web-1", 20);
      await evaluateAt(T0 + 4 * MIN);
      const docs = await alertDocs();
      assert.equal(docs.length, 1);
      const history = docs[0]!;
      assert.notEqual(history.id, "cpu:web-1", "the resolved alert moved to a unique id");
      assert.equal(history.get("status"), "resolved");
      assert.deepEqual(
        ["started_at", "fired_at", "resolved_at", "expire_at"].map((f) =>
          (history.get(f) as Timestamp).toMillis(),
        ),
        [T0, T0 + 2 * MIN, T0 + 4 * MIN, T0 + 4 * MIN + 90 * DAY_MS],
      );
      notes = await notificationDocs();
      assert.deepEqual(
        notes.map((n) => n.get("kind")),
        ["firing", "resolved"],
      );
      assert.equal(notes[1]!.get("alert").resolved_at_ms, T0 + 4 * MIN);

      await evaluateAt(T0 + 5 * MIN);
      assert.equal((await notificationDocs()).length, 2, "nothing more once resolved");

      await hostAtCpu("web-1", 90);
      await evaluateAt(T0 + 6 * MIN);
      const again = (await alertDocs()).find((d) => d.id === "cpu:web-1");
      assert.equal(again?.get("status"), "pending", "the same rule and host opens a new alert");
      assert.equal(again?.get("started_at").toMillis(), T0 + 6 * MIN);
    });

    it("drops a pending alert whose finding clears before the hold time, announcing nothing", async () => {
      await hostAtCpu("web-1", 85);
      await evaluateAt(T0);
      await hostAtCpu("web-1", 10);
      await evaluateAt(T0 + MIN);
      assert.equal((await alertDocs()).length, 0);
      assert.equal((await notificationDocs()).length, 0);
    });

    it("keeps one alert when its severity changes, updating it without a new announcement", async () => {
      await setHealthConfig({ alert_hold_seconds: 0 });
      await hostAtCpu("web-1", 85);
      await evaluateAt(T0);
      await hostAtCpu("web-1", 99);
      await evaluateAt(T0 + MIN);
      const docs = await alertDocs();
      assert.deepEqual(
        docs.map((d) => [d.id, d.get("status"), d.get("severity"), d.get("message"), d.get("threshold")]),
        [["cpu:web-1", "firing", "critical", "Critical CPU usage: 99.0% on web-1", 95]],
      );
      assert.equal((await notificationDocs()).length, 1);
    });

    it("ignores an evaluation older than the last one applied", async () => {
      await hostAtCpu("web-1", 85);
      await evaluateAt(T0 + 5 * MIN);
      await hostAtCpu("web-1", 10);
      await evaluateAt(T0);
      assert.equal((await alertDocs())[0]?.get("status"), "pending", "the late run did not drop it");
    });
  });

  describe("concurrent evaluations", () => {
    it("open, fire and resolve an alert once", async () => {
      await hostAtCpu("web-1", 88);
      await Promise.all(Array.from({ length: 5 }, () => evaluateAt(T0)));
      assert.deepEqual(
        (await alertDocs()).map((d) => d.id),
        ["cpu:web-1"],
      );

      await Promise.all(Array.from({ length: 5 }, () => evaluateAt(T0 + 2 * MIN)));
      assert.deepEqual(
        (await alertDocs()).map((d) => d.get("status")),
        ["firing"],
      );
      assert.equal((await notificationDocs()).length, 1);

      await hostAtCpu("web-1", 10);
      await Promise.all(Array.from({ length: 5 }, () => evaluateAt(T0 + 3 * MIN)));
      assert.deepEqual(
        (await alertDocs()).map((d) => d.get("status")),
        ["resolved"],
      );
      assert.deepEqual(
        (await notificationDocs()).map((n) => n.get("kind")),
        ["firing", "resolved"],
      );
    });

    it("open a firing alert once with no hold time", async () => {
      await setHealthConfig({ alert_hold_seconds: 0 });
      await hostAtCpu("web-1", 88);
      await Promise.all(Array.from({ length: 5 }, () => evaluateAt(T0)));
      assert.deepEqual(
        (await alertDocs()).map((d) => [d.id, d.get("status")]),
        [["cpu:web-1", "firing"]],
      );
      assert.equal((await notificationDocs()).length, 1);
    });
  });

  describe("getAlerts", () => {
    it("lists open and resolved alerts newest first, by status, in pages", async () => {
      await setHealthConfig({ alert_hold_seconds: 0 });
      for (let i = 0; i < 5; i++) {
        await hostAtCpu(`web-${i}`, 90);
        await evaluateAt(T0 + i * MIN);
      }
      await hostAtCpu("web-0", 10);
      await hostAtCpu("web-1", 10);
      await evaluateAt(T0 + 5 * MIN);
      await setHealthConfig({ alert_hold_seconds: 600 });
      await hostAtCpu("web-5", 90);
      await evaluateAt(T0 + 6 * MIN);

      const all = await getAlerts();
      assert.deepEqual(alertsResponseSchema.parse(all), all);
      assert.deepEqual(
        all.alerts.map((a) => `${a.subject}:${a.status}`),
        ["web-5:pending", "web-4:firing", "web-3:firing", "web-2:firing", "web-1:resolved", "web-0:resolved"],
      );
      assert.equal(all.next_page_token, null);
      const resolved = all.alerts.find((a) => a.subject === "web-1")!;
      assert.deepEqual(
        [resolved.started_at, resolved.fired_at, resolved.resolved_at],
        [iso(T0 + MIN), iso(T0 + MIN), iso(T0 + 5 * MIN)],
      );

      assert.deepEqual(
        (await getAlerts({ status: "firing" })).alerts.map((a) => a.subject),
        ["web-4", "web-3", "web-2"],
      );
      assert.deepEqual(
        (await getAlerts({ status: "resolved" })).alerts.map((a) => a.subject),
        ["web-1", "web-0"],
      );
      assert.deepEqual(
        (await getAlerts({ status: "pending" })).alerts.map((a) => a.id),
        ["cpu:web-5"],
      );

      const seen: string[] = [];
      let token: string | null | undefined;
      do {
        const page = await getAlerts({ limit: 2, ...(token ? { page_token: token } : {}) });
        assert.ok(page.alerts.length <= 2);
        seen.push(...page.alerts.map((a) => a.subject));
        token = page.next_page_token;
      } while (token);
      assert.deepEqual(
        seen,
        all.alerts.map((a) => a.subject),
      );
    });

    it("rejects bad requests naming the field, and non-admins", async () => {
      for (const [data, field] of [
        [{ page_token: "not-a-token" }, "page_token"],
        // Crafted tokens whose time or id would make the query itself throw (a 500 before).
        ...[
          [1e300, "cpu:web-1"],
          [-1, "cpu:web-1"],
          [1.5, "cpu:web-1"],
          [T0, "a/b"],
          [T0, ""],
        ].map(
          (content) =>
            [
              { page_token: Buffer.from(JSON.stringify(content)).toString("base64url") },
              "page_token",
            ] as const,
        ),
        [{ status: "open" }, "status"],
        [{ limit: 0 }, "limit"],
        [{ limit: 101 }, "limit"],
      ] as const) {
        const err = await rejection(call(fns.getAlerts, data, admin));
        assert.equal(err.code, "invalid-argument", field);
        assert.equal(err.details?.field, field);
      }
      assert.equal((await rejection(call(fns.getAlerts, {}, alice))).code, "permission-denied");
    });
  });

  describe("webhook notifications (sendAlertNotification -> a local receiver)", () => {
    let receiver: WebhookReceiver;
    beforeEach(async () => {
      receiver = await startWebhookReceiver();
      process.env.ALERT_WEBHOOK_URL = receiver.url;
    });
    afterEach(async () => {
      delete process.env.ALERT_WEBHOOK_URL;
      await receiver.close();
    });

    /** An alert on web-1 that fires at T0 and resolves at T0 + 1 min: two notifications. */
    async function fireAndResolve() {
      await setHealthConfig({ alert_hold_seconds: 0 });
      await hostAtCpu("web-1", 85.2);
      await evaluateAt(T0);
      await hostAtCpu("web-1", 10);
      await evaluateAt(T0 + MIN);
      return notificationDocs();
    }

    it("posts one firing and one resolved message, however often each event is delivered", async () => {
      const [firing, resolved] = await fireAndResolve();
      for (const note of [firing!, resolved!]) {
        await deliverNotification(note);
        await deliverNotification(note);
      }
      assert.deepEqual(receiver.received, [
        { text: `[aideon-perf] FIRING (warning): High CPU usage: 85.2% on web-1 (since ${iso(T0)})` },
        {
          text: `[aideon-perf] RESOLVED: High CPU usage: 85.2% on web-1 (fired ${iso(T0)}, resolved ${iso(T0 + MIN)})`,
        },
      ]);
      for (const note of await notificationDocs()) {
        assert.deepEqual(
          [note.get("status"), note.get("attempts"), note.get("lease_until")],
          ["sent", 1, null],
        );
        assert.ok(note.get("sent_at"));
      }
    });

    it("sends once when the same event is delivered concurrently", async () => {
      const [firing] = await fireAndResolve();
      const results = await Promise.allSettled(Array.from({ length: 4 }, () => deliverNotification(firing!)));
      for (const r of results) {
        if (r.status === "rejected")
          assert.match((r.reason as Error).message, /being delivered by another invocation/);
      }
      await deliverNotification(firing!);
      assert.equal(receiver.received.length, 1);
      assert.equal(receiver.requests, 1);
    });

    it("throws for a retry while the receiver fails, then sends once", async () => {
      const [firing] = await fireAndResolve();
      receiver.failNext(ATTEMPTS_PER_INVOCATION, 503);
      await assert.rejects(deliverNotification(firing!), /webhook delivery failed, will retry: HTTP 503/);
      assert.equal(
        receiver.requests,
        ATTEMPTS_PER_INVOCATION,
        "retried with backoff inside the invocation first",
      );
      assert.equal(receiver.received.length, 0);
      let stored = await firing!.ref.get();
      assert.deepEqual(
        [stored.get("status"), stored.get("attempts"), stored.get("last_error")],
        ["pending", 1, "HTTP 503"],
      );

      await deliverNotification(firing!);
      await deliverNotification(firing!);
      assert.equal(receiver.received.length, 1);
      stored = await firing!.ref.get();
      assert.deepEqual(
        [stored.get("status"), stored.get("attempts"), stored.get("last_error")],
        ["sent", 2, null],
      );
    });

    it("rides out a single failure within one invocation", async () => {
      const [firing] = await fireAndResolve();
      receiver.failNext(1, 500);
      await deliverNotification(firing!);
      assert.deepEqual([receiver.requests, receiver.received.length], [2, 1]);
    });

    it("records a rejection that retrying cannot fix (HTTP 404) as failed, without a retry", async () => {
      const [firing] = await fireAndResolve();
      receiver.failNext(1, 404);
      await deliverNotification(firing!);
      const stored = await firing!.ref.get();
      assert.deepEqual(
        [stored.get("status"), stored.get("last_error"), receiver.requests],
        ["failed", "HTTP 404", 1],
      );
    });

    it("does not follow a redirect: a 3xx is a failed delivery, recorded with its status", async () => {
      const elsewhere = await startWebhookReceiver();
      try {
        const [firing] = await fireAndResolve();
        receiver.failNext(1, 307, { location: elsewhere.url });
        await deliverNotification(firing!);
        const stored = await firing!.ref.get();
        assert.deepEqual(
          [stored.get("status"), stored.get("last_error"), receiver.requests],
          ["failed", "HTTP 307", 1],
        );
        assert.equal(elsewhere.requests, 0, "the body never reached the redirect's target");
      } finally {
        await elsewhere.close();
      }
    });

    it("stores and reports a fetch error without its message, which may quote the URL", async () => {
      const [firing] = await fireAndResolve();
      process.env.ALERT_WEBHOOK_URL = `${receiver.url}?token=s3cret`;
      const realFetch = globalThis.fetch;
      globalThis.fetch = (async (input: Parameters<typeof fetch>[0], init?: RequestInit) => {
        if (String(input).startsWith(receiver.url))
          throw new TypeError(`fetch failed: ${String(input)}`, { cause: { code: "ECONNRESET" } });
        return realFetch(input, init);
      }) as typeof fetch;
      try {
        const err = await rejection(deliverNotification(firing!));
        assert.match(err.message, /will retry: request failed: TypeError \(ECONNRESET\)$/);
        assert.doesNotMatch(err.message, /s3cret|127\.0\.0\.1/);
      } finally {
        globalThis.fetch = realFetch;
      }
      assert.equal((await firing!.ref.get()).get("last_error"), "request failed: TypeError (ECONNRESET)");
    });

    it("refuses a webhook URL with credentials or plain http to a non-loopback host: skipped, nothing posted", async () => {
      const [firing, resolved] = await fireAndResolve();
      process.env.ALERT_WEBHOOK_URL = receiver.url.replace("http://", "http://user:pass@");
      await deliverNotification(firing!);
      process.env.ALERT_WEBHOOK_URL = "http://hooks.example.com/alerts";
      await deliverNotification(resolved!);
      for (const note of [firing!, resolved!]) {
        const stored = await note.ref.get();
        assert.equal(stored.get("status"), "skipped");
        assert.doesNotMatch(stored.get("last_error"), /pass/);
      }
      assert.equal(receiver.requests, 0);
    });

    it("skips notifications while no webhook is configured", async () => {
      const [firing] = await fireAndResolve();
      process.env.ALERT_WEBHOOK_URL = "disabled";
      await deliverNotification(firing!);
      assert.equal((await firing!.ref.get()).get("status"), "skipped");
      assert.equal(receiver.requests, 0);
    });

    it("gives up on a notification a day old", async () => {
      const ref = adminDb().collection(COLLECTIONS.alertNotifications).doc("old");
      const alert = {
        alert_id: "cpu:web-1",
        rule: "cpu" as const,
        subject: "web-1",
        severity: "warning" as const,
        message: "High CPU usage: 85.2% on web-1",
        value: 85.2,
        threshold: 80,
        started_at_ms: 0,
        fired_at_ms: 0,
        resolved_at_ms: null,
      };
      await ref.set(newNotification("firing", alert, Date.now() - DAY_MS - MIN));
      await deliverNotification(await ref.get());
      assert.equal((await ref.get()).get("status"), "failed");
      assert.equal(receiver.requests, 0);
    });
  });
});
