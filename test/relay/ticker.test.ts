import assert from "node:assert/strict";
import { setImmediate as tick } from "node:timers/promises";
import { parseSchedule } from "../../dev/stack/schedules/schedule";
import type { ScheduledFunction } from "../../dev/stack/schedules/scheduled-functions";
import { startTicker, type Clock } from "../../dev/stack/schedules/ticker";

/** A clock that only moves when the test advances it. */
function manualClock(start: number) {
  let now = start;
  const sleepers: Array<{ at: number; resolve: () => void }> = [];
  const clock: Clock = {
    now: () => now,
    sleepUntil: (at, signal) =>
      new Promise<void>((resolve, reject) => {
        if (at <= now) return resolve();
        const sleeper = { at, resolve };
        sleepers.push(sleeper);
        signal.addEventListener("abort", () => {
          sleepers.splice(sleepers.indexOf(sleeper), 1);
          reject(Object.assign(new Error("aborted"), { name: "AbortError" }));
        });
      }),
  };
  return {
    clock,
    async advanceTo(ms: number) {
      now = ms;
      for (const s of sleepers.filter((s) => s.at <= now)) {
        sleepers.splice(sleepers.indexOf(s), 1);
        s.resolve();
      }
      for (let i = 0; i < 10; i++) await tick();
    },
  };
}

const fn = (id: string, text: string, extra: Partial<ScheduledFunction> = {}): ScheduledFunction => ({
  id,
  name: id,
  region: "us-central1",
  scheduleText: text,
  timeZone: "UTC",
  timeoutSeconds: 60,
  schedule: parseSchedule(text),
  ...extra,
});

const T0 = Date.parse("2026-01-01T00:00:30Z");
const iso = (ms: number) => new Date(ms).toISOString();

describe("schedules: ticker", () => {
  it("fires cron functions at their times, with that time as the schedule time", async () => {
    const { clock, advanceTo } = manualClock(T0);
    const fired: string[] = [];
    const ticker = startTicker(clock, async (f, time) => void fired.push(`${f.id}@${iso(time)}`));
    ticker.update([fn("five", "*/5 * * * *")]);
    await advanceTo(T0);
    assert.equal(iso(ticker.nextRun("five")!), "2026-01-01T00:05:00.000Z");
    await advanceTo(Date.parse("2026-01-01T00:04:59Z"));
    assert.deepEqual(fired, []);
    await advanceTo(Date.parse("2026-01-01T00:05:00Z"));
    await advanceTo(Date.parse("2026-01-01T00:10:00Z"));
    assert.deepEqual(fired, ["five@2026-01-01T00:05:00.000Z", "five@2026-01-01T00:10:00.000Z"]);
    ticker.stop();
  });

  it("counts App Engine intervals from the end of the previous run", async () => {
    const { clock, advanceTo } = manualClock(T0);
    const fired: number[] = [];
    let finishRun: () => void = () => {};
    const ticker = startTicker(clock, (_f, time) => {
      fired.push(time);
      return new Promise<void>((resolve) => (finishRun = resolve));
    });
    ticker.update([fn("every", "every 1 minutes")]);
    await advanceTo(T0 + 60_000);
    assert.deepEqual(fired, [T0 + 60_000]);
    await advanceTo(T0 + 90_000); // the run takes 30 s
    finishRun();
    await advanceTo(T0 + 90_000);
    assert.equal(ticker.nextRun("every"), T0 + 150_000);
    await advanceTo(T0 + 150_000);
    assert.deepEqual(fired, [T0 + 60_000, T0 + 150_000]);
    ticker.stop();
  });

  it("restarts a changed function, stops a removed one, leaves unreadable ones on demand", async () => {
    const { clock, advanceTo } = manualClock(T0);
    const fired: string[] = [];
    const ticker = startTicker(clock, async (f) => void fired.push(f.id));
    ticker.update([fn("a", "*/5 * * * *"), fn("b", "*/5 * * * *")]);
    await advanceTo(T0);
    ticker.update([
      fn("a", "*/2 * * * *"),
      fn("c", "* * * * *", { schedule: undefined, error: "unreadable" }),
    ]);
    await advanceTo(T0);
    assert.equal(iso(ticker.nextRun("a")!), "2026-01-01T00:02:00.000Z");
    assert.equal(ticker.nextRun("b"), null);
    assert.equal(ticker.nextRun("c"), null);
    await advanceTo(Date.parse("2026-01-01T00:05:00Z"));
    assert.deepEqual(fired, ["a"]);
    ticker.stop();
    await advanceTo(Date.parse("2026-01-01T01:00:00Z"));
    assert.deepEqual(fired, ["a"]);
  });
});
