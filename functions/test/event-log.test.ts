/**
 * Structured logs: a dead letter, an alert's transitions and a slow operation each become one entry
 * with severity, the event's fields and labels (observability/event-log.ts), written once per event.
 */
import assert from "node:assert/strict";
import { Timestamp } from "firebase-admin/firestore";
import type { HealthFinding } from "@aideon-perf/core";
import type { LogEntry } from "firebase-functions/logger";
import { deadLetters } from "../src/aggregation/dead-letters";
import { logSlowOperation } from "../src/aggregation/slow-operation";
import { alertStore } from "../src/alerts/alert-store";
import { EVENT_LABEL, eventLog } from "../src/observability/event-log";
import { adminDb, clearFirestore, ensureFirestore } from "../../test/support/firestore";

const LABELS = "logging.googleapis.com/labels";
const labelsOf = (e: LogEntry) => e[LABELS] as Record<string, string>;

describe("structured event logs", function () {
  this.timeout(30_000);
  let entries: LogEntry[];
  const original = eventLog.sink;
  before(ensureFirestore);
  beforeEach(async () => {
    await clearFirestore();
    entries = [];
    eventLog.sink = (e) => entries.push(e);
  });
  after(() => (eventLog.sink = original));

  it("a dead letter: one ERROR entry per recorded failure, labelled with its kind", async () => {
    await deadLetters(adminDb()).record("trigger", "perf_traces/t1", "Error: boom", Date.now());
    assert.equal(entries.length, 1);
    const [e] = entries as [LogEntry];
    assert.equal(e.severity, "ERROR");
    assert.deepEqual(labelsOf(e), { [EVENT_LABEL]: "dead_letter", kind: "trigger" });
    assert.equal(e.subject, "perf_traces/t1");
    assert.equal(e.reason, "Error: boom");
    assert.equal(e.attempts, 1);
  });

  it("an alert: firing and resolved logged once each, nothing while it stays firing", async () => {
    const store = alertStore(adminDb(), () => 90);
    const finding: HealthFinding = {
      rule: "cpu",
      subject: "web-1",
      severity: "critical",
      message: "Critical CPU usage: 97.0% on web-1",
      value: 97,
      threshold: 95,
    };
    const t0 = Date.now();
    await store.reconcile([finding], t0, 0);
    await store.reconcile([finding], t0 + 60_000, 0);
    await store.reconcile([], t0 + 120_000, 0);
    await store.reconcile([], t0 + 180_000, 0);
    assert.deepEqual(
      entries.map((e) => [e.severity, labelsOf(e).status, labelsOf(e).rule, labelsOf(e)[EVENT_LABEL]]),
      [
        ["CRITICAL", "firing", "cpu", "alert_transition"],
        ["NOTICE", "resolved", "cpu", "alert_transition"],
      ],
    );
    assert.equal(entries[0]!.subject, "web-1");
    assert.equal(entries[0]!.value, 97);
  });

  it("a slow operation: a WARNING with the stored record's fields, labelled by trace type", () => {
    logSlowOperation({
      timestamp: Timestamp.fromMillis(Date.parse("2026-12-02T10:00:00Z")),
      message: "Slow DATABASE_QUERY operation: SELECT orders",
      type: "DATABASE_QUERY",
      name: "SELECT orders",
      context: { duration: 2.5, threshold: 1, attributes: { db: "orders" } },
      expire_at: Timestamp.now(),
    });
    assert.deepEqual(entries, [
      {
        timestamp: "2026-12-02T10:00:00.000Z",
        type: "DATABASE_QUERY",
        name: "SELECT orders",
        context: { duration: 2.5, threshold: 1, attributes: { db: "orders" } },
        severity: "WARNING",
        message: "Slow DATABASE_QUERY operation: SELECT orders",
        event: "slow_operation",
        [LABELS]: { [EVENT_LABEL]: "slow_operation", trace_type: "DATABASE_QUERY" },
      },
    ]);
  });
});
