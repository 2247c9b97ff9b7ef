import assert from "node:assert/strict";
import { parseCron } from "../../dev/stack/schedules/cron";
import { nextRunTime, parseSchedule } from "../../dev/stack/schedules/schedule";
import { scheduledFunctions, schedulerHeaders } from "../../dev/stack/schedules/scheduled-functions";

const at = (iso: string) => Date.parse(iso);
const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
/** The next `count` run times after `from`, each computed from the previous one. */
function runs(text: string, from: string, count: number, timeZone = "UTC"): Array<string | null> {
  const schedule = parseSchedule(text);
  const out: Array<string | null> = [];
  let t: number | null = at(from);
  for (let i = 0; i < count && t !== null; i++) out.push(iso((t = nextRunTime(schedule, t, timeZone))));
  return out;
}

describe("schedules: parsing and next run times", () => {
  it("App Engine intervals count from the given time (the end of the previous run)", () => {
    assert.deepEqual(parseSchedule("every 1 minutes"), { kind: "interval", everyMs: 60_000 });
    assert.deepEqual(parseSchedule("every 5 minutes"), { kind: "interval", everyMs: 300_000 });
    assert.deepEqual(parseSchedule("every 2 hours"), { kind: "interval", everyMs: 7_200_000 });
    assert.deepEqual(parseSchedule("Every 1 hour"), { kind: "interval", everyMs: 3_600_000 });
    assert.deepEqual(parseSchedule("every 10 mins"), { kind: "interval", everyMs: 600_000 });
    assert.deepEqual(runs("every 5 minutes", "2026-01-01T00:00:07.500Z", 2), [
      "2026-01-01T00:05:07.500Z",
      "2026-01-01T00:10:07.500Z",
    ]);
  });

  it("rejects what it cannot run, with the reason", () => {
    assert.throws(() => parseSchedule("every monday 09:00"), /only "every N minutes\|hours"/);
    assert.throws(() => parseSchedule("every 0 minutes"), /at least 1/);
    assert.throws(() => parseSchedule("* * * *"), /expected 5 fields/);
    assert.throws(() => parseSchedule("60 * * * *"), /minute: "60" is not in 0-59/);
    assert.throws(() => parseSchedule("* * * FOO *"), /month: "FOO"/);
    assert.throws(() => parseSchedule("*/0 * * * *"), /bad step/);
    assert.throws(() => parseSchedule("5-1 * * * *"), /empty range/);
  });

  it("cron: steps, ranges, lists, names", () => {
    assert.deepEqual(runs("*/5 * * * *", "2026-01-01T00:03:10Z", 3), [
      "2026-01-01T00:05:00.000Z",
      "2026-01-01T00:10:00.000Z",
      "2026-01-01T00:15:00.000Z",
    ]);
    assert.deepEqual(
      runs("* * * * *", "2026-01-01T00:00:00Z", 2),
      ["2026-01-01T00:01:00.000Z", "2026-01-01T00:02:00.000Z"],
      "strictly after",
    );
    assert.deepEqual(runs("0,30 9-10 * * *", "2026-01-01T10:15:00Z", 3), [
      "2026-01-01T10:30:00.000Z",
      "2026-01-02T09:00:00.000Z",
      "2026-01-02T09:30:00.000Z",
    ]);
    assert.deepEqual(runs("15 3 * JAN,jun MON-FRI", "2026-01-30T12:00:00Z", 2), [
      "2026-06-01T03:15:00.000Z",
      "2026-06-02T03:15:00.000Z",
    ]);
    assert.deepEqual(runs("10-40/15 * * * *", "2026-01-01T00:00:00Z", 3), [
      "2026-01-01T00:10:00.000Z",
      "2026-01-01T00:25:00.000Z",
      "2026-01-01T00:40:00.000Z",
    ]);
    assert.deepEqual(
      runs("0 0 * * 7", "2026-01-01T00:00:00Z", 1),
      ["2026-01-04T00:00:00.000Z"],
      "7 is Sunday",
    );
  });

  it("cron: restricted day-of-month and day-of-week match either (Vixie cron)", () => {
    const c = parseCron("0 0 13 * FRI");
    assert.equal(c.eitherDay, true);
    // 2026-02-06 is a Friday, 2026-02-13 both, 2026-03-13 a Friday the 13th again
    assert.deepEqual(runs("0 0 13 * FRI", "2026-02-01T00:00:00Z", 3), [
      "2026-02-06T00:00:00.000Z",
      "2026-02-13T00:00:00.000Z",
      "2026-02-20T00:00:00.000Z",
    ]);
    assert.deepEqual(runs("0 0 13 * *", "2026-02-01T00:00:00Z", 1), ["2026-02-13T00:00:00.000Z"]);
  });

  it("cron: evaluated in the function's time zone, across DST", () => {
    // 09:00 in New York is 14:00 UTC in winter, 13:00 UTC in summer (DST starts 2026-03-08)
    assert.deepEqual(runs("0 9 * * *", "2026-03-06T15:00:00Z", 3, "America/New_York"), [
      "2026-03-07T14:00:00.000Z",
      "2026-03-08T13:00:00.000Z",
      "2026-03-09T13:00:00.000Z",
    ]);
    // 02:30 does not exist in New York on 2026-03-08: that day is skipped
    assert.deepEqual(runs("30 2 * * *", "2026-03-07T12:00:00Z", 2, "America/New_York"), [
      "2026-03-09T06:30:00.000Z",
      "2026-03-10T06:30:00.000Z",
    ]);
    // 05:30 in Kolkata (UTC+05:30) is midnight UTC: half-hour offsets work
    assert.deepEqual(runs("30 5 * * *", "2026-01-01T00:00:00Z", 1, "Asia/Kolkata"), [
      "2026-01-02T00:00:00.000Z",
    ]);
  });

  it("cron: a schedule that never matches has no next run", () => {
    assert.deepEqual(runs("0 0 30 2 *", "2026-01-01T00:00:00Z", 1), [null]);
  });

  it("reads scheduled functions from the definitions; an unreadable one is kept, on demand only", () => {
    const fns = scheduledFunctions([
      {
        id: "us-central1-tick",
        name: "tick",
        region: "us-central1",
        entryPoint: "tick",
        schedule: { schedule: "every 1 minutes", timeZone: null },
      },
      {
        id: "europe-west1-nightly",
        name: "nightly",
        region: "europe-west1",
        entryPoint: "nightly",
        timeoutSeconds: 300,
        schedule: { schedule: "0 3 * * *", timeZone: "Europe/Paris" },
      },
      {
        id: "us-central1-odd",
        name: "odd",
        region: "us-central1",
        entryPoint: "odd",
        schedule: { schedule: "every day 09:00", timeZone: null },
      },
      {
        id: "us-central1-badzone",
        name: "badzone",
        region: "us-central1",
        entryPoint: "badzone",
        schedule: { schedule: "* * * * *", timeZone: "Mars/Olympus" },
      },
      { id: "us-central1-http", name: "http", region: "us-central1", entryPoint: "http" },
    ]);
    assert.deepEqual(
      fns.map((f) => [f.name, f.timeZone, f.timeoutSeconds, f.schedule?.kind ?? null, Boolean(f.error)]),
      [
        ["tick", "UTC", 60, "interval", false],
        ["nightly", "Europe/Paris", 300, "cron", false],
        ["odd", "UTC", 60, null, true],
        ["badzone", "Mars/Olympus", 60, null, true],
      ],
    );
    assert.deepEqual(schedulerHeaders(fns[1]!, at("2026-01-01T03:00:00Z")), {
      "user-agent": "Google-Cloud-Scheduler",
      "x-cloudscheduler": "true",
      "x-cloudscheduler-jobname": "firebase-schedule-nightly-europe-west1",
      "x-cloudscheduler-scheduletime": "2026-01-01T03:00:00.000Z",
    });
  });
});
