/** The alert modules' pure parts: lifecycle steps, announcements, webhook body, backoff, URL checks. */
import assert from "node:assert/strict";
import { nextAlertStep, notificationOf, type OpenAlertState } from "../src/alerts/alert-lifecycle";
import { backoffDelay } from "@aideon-perf/core";
import { RETRY_BACKOFF } from "../src/alerts/webhook-delivery";
import { escapeSlackText, webhookBody, type AnnouncedAlert } from "../src/alerts/notifications";
import { usableWebhookUrl } from "../src/alerts/webhook-url";
import { openAlertId } from "../src/alerts/alert-store";

const HOLD = 120_000;
const open = (
  status: OpenAlertState["status"],
  startedAtMs = 0,
  evaluatedAtMs = startedAtMs,
): OpenAlertState => ({
  status,
  started_at_ms: startedAtMs,
  evaluated_at_ms: evaluatedAtMs,
});

describe("alert lifecycle (pure)", () => {
  it("opens a new finding as pending, or firing at once with no hold time", () => {
    assert.deepEqual(nextAlertStep(undefined, true, 0, HOLD), { kind: "open", status: "pending" });
    assert.deepEqual(nextAlertStep(undefined, true, 0, 0), { kind: "open", status: "firing" });
    assert.deepEqual(nextAlertStep(undefined, false, 0, HOLD), { kind: "none" });
  });

  it("fires a pending alert once it has held for the hold time, not a millisecond before", () => {
    assert.deepEqual(nextAlertStep(open("pending"), true, HOLD - 1, HOLD), {
      kind: "keep",
      status: "pending",
      fires: false,
    });
    assert.deepEqual(nextAlertStep(open("pending"), true, HOLD, HOLD), {
      kind: "keep",
      status: "firing",
      fires: true,
    });
    assert.deepEqual(nextAlertStep(open("firing"), true, 10 * HOLD, HOLD), {
      kind: "keep",
      status: "firing",
      fires: false,
    });
  });

  it("resolves a firing alert and drops a pending one when the finding clears", () => {
    assert.deepEqual(nextAlertStep(open("firing"), false, HOLD, HOLD), { kind: "resolve" });
    assert.deepEqual(nextAlertStep(open("pending"), false, 1, HOLD), { kind: "drop" });
  });

  it("ignores an evaluation older than the last one applied, but not one at the same time", () => {
    assert.deepEqual(nextAlertStep(open("firing", 0, 5000), false, 4999, HOLD), { kind: "none" });
    assert.deepEqual(nextAlertStep(open("firing", 0, 5000), false, 5000, HOLD), { kind: "resolve" });
  });

  it("announces firing and resolving only", () => {
    assert.equal(notificationOf({ kind: "open", status: "firing" }), "firing");
    assert.equal(notificationOf({ kind: "keep", status: "firing", fires: true }), "firing");
    assert.equal(notificationOf({ kind: "resolve" }), "resolved");
    for (const step of [
      { kind: "open", status: "pending" },
      { kind: "keep", status: "firing", fires: false },
      { kind: "drop" },
      { kind: "none" },
    ] as const) {
      assert.equal(notificationOf(step), null, step.kind);
    }
  });

  it("names the open alert of a rule and subject deterministically, as a valid document id", () => {
    assert.equal(openAlertId("cpu", "web-1"), "cpu:web-1");
    assert.equal(openAlertId("p95_regression", "HTTP_REQUEST"), "p95_regression:HTTP_REQUEST");
    assert.equal(openAlertId("disk", "a/b"), "disk:a%2Fb");
  });
});

describe("webhook body", () => {
  const alert: AnnouncedAlert = {
    alert_id: "cpu:web-1",
    rule: "cpu",
    subject: "web-1",
    severity: "critical",
    message: "Critical CPU usage: 97.3% on web-1",
    value: 97.3,
    threshold: 95,
    started_at_ms: Date.parse("2024-12-06T14:30:22Z"),
    fired_at_ms: Date.parse("2024-12-06T14:32:22Z"),
    resolved_at_ms: null,
  };

  it("is Slack's {text} for firing and resolved", () => {
    assert.deepEqual(webhookBody({ kind: "firing", alert }), {
      text: "[aideon-perf] FIRING (critical): Critical CPU usage: 97.3% on web-1 (since 2024-12-06T14:30:22.000Z)",
    });
    assert.deepEqual(
      webhookBody({
        kind: "resolved",
        alert: { ...alert, resolved_at_ms: Date.parse("2024-12-06T15:00:00Z") },
      }),
      {
        text: "[aideon-perf] RESOLVED: Critical CPU usage: 97.3% on web-1 (fired 2024-12-06T14:32:22.000Z, resolved 2024-12-06T15:00:00.000Z)",
      },
    );
  });
});

describe("webhook body escaping", () => {
  const alert: AnnouncedAlert = {
    alert_id: "disk:web-1",
    rule: "disk",
    subject: "web-1",
    severity: "warning",
    message: "High disk usage: 91.0% on web-1 (/mnt/<!channel> & <https://evil.example|click here>)",
    value: 91,
    threshold: 85,
    started_at_ms: Date.parse("2024-12-06T14:30:22Z"),
    fired_at_ms: Date.parse("2024-12-06T14:30:22Z"),
    resolved_at_ms: Date.parse("2024-12-06T15:00:00Z"),
  };

  it("escapes &, < and > in text that came from agents or clients, so Slack shows it as typed", () => {
    const escaped =
      "High disk usage: 91.0% on web-1 (/mnt/&lt;!channel&gt; &amp; &lt;https://evil.example|click here&gt;)";
    for (const kind of ["firing", "resolved"] as const) {
      const { text } = webhookBody({ kind, alert });
      assert.ok(text.includes(escaped), text);
      assert.doesNotMatch(text, /[<>]|&(?!amp;|lt;|gt;)/, "no control character of Slack's left unescaped");
    }
    assert.equal(
      escapeSlackText("a &amp; b"),
      "a &amp;amp; b",
      "& first, so an escape that was typed shows as typed",
    );
  });
});

describe("webhook retry backoff", () => {
  // Attempt 1 is the first retry, as webhook delivery counts them.
  const backoffDelayMs = (attempt: number, random: () => number) =>
    backoffDelay(attempt - 1, RETRY_BACKOFF, random);
  it("doubles its ceiling per attempt up to the maximum, jittered below it", () => {
    assert.deepEqual(
      [1, 2, 3, 4, 5].map((a) => backoffDelayMs(a, () => 0.999999)),
      [499, 999, 1999, 3999, 3999],
    );
    assert.equal(
      backoffDelayMs(3, () => 0),
      0,
    );
    assert.equal(
      backoffDelayMs(2, () => 0.5),
      500,
    );
  });
});

describe("webhook URL", () => {
  it("accepts https URLs only; anything else turns notifications off", () => {
    assert.equal(
      usableWebhookUrl(" https://hooks.slack.com/services/T/B/X "),
      "https://hooks.slack.com/services/T/B/X",
    );
    for (const value of [
      "",
      "disabled",
      "http://hooks.example.com/x",
      "http://127.0.0.1:8080/hook",
      "ftp://example.com",
      "javascript:alert(1)",
      undefined,
      42,
    ]) {
      assert.equal(usableWebhookUrl(value), undefined, String(value));
    }
  });

  it("refuses a URL with credentials (fetch's error for one quotes the whole URL)", () => {
    for (const value of [
      "https://user:pass@hooks.example.com/x",
      "https://user@hooks.example.com/x",
      "https://:pass@hooks.example.com/x",
    ]) {
      assert.equal(usableWebhookUrl(value), undefined, value);
      assert.equal(usableWebhookUrl(value, { emulator: true }), undefined, value);
    }
  });

  it("allows plain http under the emulator to loopback hosts only", () => {
    for (const value of ["http://127.0.0.1:8080/hook", "http://localhost:9/h", "http://[::1]:9/h"]) {
      assert.equal(usableWebhookUrl(value, { emulator: true }), value);
      assert.equal(usableWebhookUrl(value, { emulator: false }), undefined, value);
    }
    for (const value of [
      "http://hooks.example.com/x",
      "http://127.0.0.2/x",
      "http://localhost.example.com/x",
      "http://u:p@127.0.0.1/x",
    ]) {
      assert.equal(usableWebhookUrl(value, { emulator: true }), undefined, value);
    }
  });
});
