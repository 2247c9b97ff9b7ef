/**
 * The schedules `onSchedule` accepts that we run locally: App Engine's `every N minutes|hours` and
 * five-field unix cron. Pure.
 */
import { nextCronTime, parseCron, wallClock, type CronSchedule } from "./cron";

export type Schedule = { kind: "interval"; everyMs: number } | { kind: "cron"; cron: CronSchedule };

/** Cloud Scheduler's zone for v2 functions that name none. */
export const DEFAULT_TIME_ZONE = "UTC";

const EVERY = /^every\s+(\d+)\s+(minutes?|mins?|hours?)$/i;

export function parseSchedule(text: string): Schedule {
  const every = EVERY.exec(text.trim());
  if (every) {
    const n = Number(every[1]);
    if (n < 1) throw new Error(`schedule "${text}": the interval must be at least 1`);
    return { kind: "interval", everyMs: n * (every[2]!.toLowerCase().startsWith("h") ? 3_600_000 : 60_000) };
  }
  if (/^every\b/i.test(text.trim()))
    throw new Error(`schedule "${text}": only "every N minutes|hours" of App Engine's syntax is supported`);
  return { kind: "cron", cron: parseCron(text) };
}

/** Throws RangeError for a zone Intl does not know, so a bad zone fails when the schedule is read. */
export function checkTimeZone(timeZone: string): void {
  wallClock(0, timeZone);
}

/**
 * When the schedule next fires after `afterMs`. App Engine intervals count from the end of the
 * previous run (the caller passes its finish time, or the start of the ticker); cron times are
 * absolute. Null when a cron schedule never matches.
 */
export function nextRunTime(schedule: Schedule, afterMs: number, timeZone: string): number | null {
  return schedule.kind === "interval"
    ? afterMs + schedule.everyMs
    : nextCronTime(schedule.cron, afterMs, timeZone);
}
