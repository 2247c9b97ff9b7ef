/**
 * Standard five-field unix cron (minute hour day-of-month month day-of-week), evaluated in an IANA time
 * zone as Cloud Scheduler does. Lists, ranges, steps and month / weekday names; 7 is also Sunday; when
 * both day fields are restricted a time matches either (Vixie cron). Pure.
 */

export interface CronSchedule {
  minutes: ReadonlySet<number>;
  hours: ReadonlySet<number>;
  daysOfMonth: ReadonlySet<number>;
  months: ReadonlySet<number>;
  daysOfWeek: ReadonlySet<number>;
  /** both day fields restricted: a day matches if either does */
  eitherDay: boolean;
  daysOfMonthRestricted: boolean;
  daysOfWeekRestricted: boolean;
}

const MONTHS = ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"];
const WEEKDAYS = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"];

interface FieldSpec {
  name: string;
  min: number;
  max: number;
  names?: string[];
  /** value of names[0] */
  namesFrom?: number;
}

const FIELDS: FieldSpec[] = [
  { name: "minute", min: 0, max: 59 },
  { name: "hour", min: 0, max: 23 },
  { name: "day of month", min: 1, max: 31 },
  { name: "month", min: 1, max: 12, names: MONTHS, namesFrom: 1 },
  { name: "day of week", min: 0, max: 7, names: WEEKDAYS, namesFrom: 0 },
];

function parseValue(text: string, spec: FieldSpec): number {
  const named = spec.names?.indexOf(text.toUpperCase()) ?? -1;
  const value = named >= 0 ? named + (spec.namesFrom ?? 0) : /^\d+$/.test(text) ? Number(text) : NaN;
  if (!(value >= spec.min && value <= spec.max))
    throw new Error(`cron ${spec.name}: "${text}" is not in ${spec.min}-${spec.max}`);
  return value;
}

function parseField(text: string, spec: FieldSpec): Set<number> {
  const values = new Set<number>();
  for (const item of text.split(",")) {
    const [range = "", stepText, extra] = item.split("/");
    if (extra !== undefined) throw new Error(`cron ${spec.name}: bad item "${item}"`);
    const step = stepText === undefined ? 1 : Number(stepText);
    if (!Number.isInteger(step) || step < 1) throw new Error(`cron ${spec.name}: bad step in "${item}"`);
    let from: number;
    let to: number;
    if (range === "*") {
      [from, to] = [spec.min, spec.max];
    } else if (range.includes("-")) {
      const [a = "", b = ""] = range.split("-");
      [from, to] = [parseValue(a, spec), parseValue(b, spec)];
      if (from > to) throw new Error(`cron ${spec.name}: empty range "${range}"`);
    } else {
      from = parseValue(range, spec);
      to = stepText === undefined ? from : spec.max;
    }
    for (let v = from; v <= to; v += step) values.add(v);
  }
  return values;
}

export function parseCron(expression: string): CronSchedule {
  const fields = expression.trim().split(/\s+/);
  if (fields.length !== 5)
    throw new Error(`cron: expected 5 fields, got ${fields.length} in "${expression}"`);
  const [minutes, hours, daysOfMonth, months, daysOfWeek] = fields.map((text, i) =>
    parseField(text, FIELDS[i]!),
  ) as [Set<number>, Set<number>, Set<number>, Set<number>, Set<number>];
  if (daysOfWeek.delete(7)) daysOfWeek.add(0);
  const daysOfMonthRestricted = !fields[2]!.startsWith("*");
  const daysOfWeekRestricted = !fields[4]!.startsWith("*");
  return {
    minutes,
    hours,
    daysOfMonth,
    months,
    daysOfWeek,
    eitherDay: daysOfMonthRestricted && daysOfWeekRestricted,
    daysOfMonthRestricted,
    daysOfWeekRestricted,
  };
}

interface WallClock {
  month: number;
  day: number;
  weekday: number;
  hour: number;
  minute: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

/** The local wall-clock time at an instant in a time zone (throws RangeError for an unknown zone). */
export function wallClock(ms: number, timeZone: string): WallClock {
  let format = formatters.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat("en-US", {
      timeZone,
      hourCycle: "h23",
      month: "numeric",
      day: "numeric",
      weekday: "short",
      hour: "numeric",
      minute: "numeric",
    });
    formatters.set(timeZone, format);
  }
  const parts: Record<string, string> = {};
  for (const part of format.formatToParts(ms)) parts[part.type] = part.value;
  return {
    month: Number(parts.month),
    day: Number(parts.day),
    weekday: WEEKDAYS.indexOf((parts.weekday ?? "").toUpperCase()),
    hour: Number(parts.hour),
    minute: Number(parts.minute),
  };
}

function dayMatches(cron: CronSchedule, t: WallClock): boolean {
  const dom = cron.daysOfMonth.has(t.day);
  const dow = cron.daysOfWeek.has(t.weekday);
  if (cron.eitherDay) return dom || dow;
  return (!cron.daysOfMonthRestricted || dom) && (!cron.daysOfWeekRestricted || dow);
}

const MINUTE_MS = 60_000;
/** Enough hour steps to cover any schedule that matches at least once in four years (leap days). */
const MAX_STEPS = 4 * 366 * 24 + 60;

/**
 * The first whole minute strictly after `afterMs` that the schedule matches in `timeZone`, or null if
 * none within about four years (e.g. "0 0 30 2 *"). Steps an hour at a time while the day or hour is
 * wrong; local times a DST gap skips never occur, as with Cloud Scheduler.
 */
export function nextCronTime(cron: CronSchedule, afterMs: number, timeZone: string): number | null {
  let t = Math.floor(afterMs / MINUTE_MS) * MINUTE_MS + MINUTE_MS;
  for (let step = 0; step < MAX_STEPS; step++) {
    const local = wallClock(t, timeZone);
    if (!cron.months.has(local.month) || !dayMatches(cron, local) || !cron.hours.has(local.hour)) {
      t += (60 - local.minute) * MINUTE_MS;
      continue;
    }
    for (let minute = local.minute; minute < 60; minute++, t += MINUTE_MS) {
      if (cron.minutes.has(minute)) return t;
    }
  }
  return null;
}
