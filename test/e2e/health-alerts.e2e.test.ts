/**
 * End to end through the running local stack: evaluateHealth fired on demand through the schedule
 * ticker, the outbox trigger delivered (by the relay where the official emulator is absent) and a real
 * webhook receiver, the admin callables through the client SDK. The running emulator cannot be handed
 * a new secret, so the receiver is set through its emulator-only override (perf_config/local_alert_webhook).
 */
import assert from "node:assert/strict";
import { setTimeout as sleep } from "node:timers/promises";
import { adminDb, clearFirestore } from "../support/firestore";
import { requireEmulators } from "../support/emulators";
import { adminClient, type Client } from "../support/client";
import { putHost, startWebhookReceiver, type WebhookReceiver } from "../../functions/test/health-support";

const HOST = "e2e-web-1";
const RUN_TIMEOUT_MS = 90_000;

describe("health and alerts end to end (schedule ticker -> evaluateHealth -> outbox trigger -> webhook)", function () {
  this.timeout(4 * RUN_TIMEOUT_MS);
  let admin: Client | undefined;
  let receiver: WebhookReceiver | undefined;
  let schedulesUrl: string;

  before(async function () {
    const emulators = await requireEmulators(this, "functions", "auth");
    if (!process.env.AIDEON_SCHEDULES_URL) {
      console.log(
        "    (skipped: no AIDEON_SCHEDULES_URL; run through `npm test`, which starts the schedule ticker)",
      );
      this.skip();
    }
    schedulesUrl = process.env.AIDEON_SCHEDULES_URL;
    admin = await adminClient(emulators);
    receiver = await startWebhookReceiver();
    await clearFirestore();
  });
  after(async () => {
    if (!admin) return; // skipped
    await clearFirestore();
    await Promise.all([admin.close(), receiver?.close()]);
  });

  /** Runs evaluateHealth through the ticker until `done` holds (the functions' config cache may lag 30 s). */
  async function evaluateUntil(done: () => boolean, what: string): Promise<void> {
    const deadline = Date.now() + RUN_TIMEOUT_MS;
    while (!done()) {
      assert.ok(
        Date.now() < deadline,
        `timed out waiting for ${what}; the webhook received ${JSON.stringify(receiver!.received)}`,
      );
      const res = await fetch(`${schedulesUrl}/schedules/evaluateHealth/run`, { method: "POST" });
      const body = await res.text();
      assert.equal(res.status, 200, body);
      assert.equal((JSON.parse(body) as { status: number }).status, 200, `evaluateHealth failed: ${body}`);
      await sleep(1000);
    }
  }

  const messages = (kind: string) =>
    receiver!.received.filter((m) => m.text.includes(kind) && m.text.includes(HOST));

  it("fires a CPU alert to the webhook, reports it in getHealth and getAlerts, and resolves it", async () => {
    await adminDb().collection("perf_config").doc("local_alert_webhook").set({ url: receiver!.url });
    await admin!.call("setHealthConfig", { config: { alert_hold_seconds: 0 } });
    await putHost(HOST, { lastSeenMs: Date.now(), intervalSeconds: 3600, cpu: 99 });

    await evaluateUntil(() => messages("FIRING").length > 0, "the firing message");
    const { health } = await admin!.call<{ health: { status: string; issues: string[] } }>("getHealth", {});
    assert.equal(health.status, "critical");
    assert.deepEqual(health.issues, [`Critical CPU usage: 99.0% on ${HOST}`]);
    const firing = await admin!.call<{ alerts: Array<{ id: string; status: string }> }>("getAlerts", {
      status: "firing",
    });
    assert.deepEqual(
      firing.alerts.map((a) => a.id),
      [`cpu:${HOST}`],
    );

    await putHost(HOST, { lastSeenMs: Date.now(), intervalSeconds: 3600, cpu: 10 });
    await evaluateUntil(() => messages("RESOLVED").length > 0, "the resolved message");
    assert.equal(
      (await admin!.call<{ health: { status: string } }>("getHealth", {})).health.status,
      "healthy",
    );

    // More evaluations (and the ticker's own) must not announce anything again.
    await fetch(`${schedulesUrl}/schedules/evaluateHealth/run`, { method: "POST" });
    await sleep(2000);
    assert.deepEqual(
      receiver!.received.filter((m) => m.text.includes(HOST)).map((m) => m.text.split(":")[0]),
      ["[aideon-perf] FIRING (critical)", "[aideon-perf] RESOLVED"],
    );
    const resolved = await admin!.call<{ alerts: Array<{ subject: string }> }>("getAlerts", {
      status: "resolved",
    });
    assert.deepEqual(
      resolved.alerts.map((a) => a.subject),
      [HOST],
    );
  });
});
