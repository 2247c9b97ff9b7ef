/**
 * The scheduled functions among the emulator's definitions, with their schedules parsed, and the
 * request Cloud Scheduler makes to run one. Pure.
 */
import type { FunctionDefinition } from "../relay/function-definitions";
import { checkTimeZone, DEFAULT_TIME_ZONE, parseSchedule, type Schedule } from "./schedule";

export interface ScheduledFunction {
  /** `{region}-{name}`, the emulator's definition id */
  id: string;
  name: string;
  region: string;
  /** as declared: "every 5 minutes", or five cron fields */
  scheduleText: string;
  timeZone: string;
  timeoutSeconds: number;
  /** absent when the schedule could not be read: then the function only runs on demand */
  schedule?: Schedule;
  error?: string;
}

export function scheduledFunctions(definitions: FunctionDefinition[]): ScheduledFunction[] {
  return definitions.flatMap((def): ScheduledFunction[] => {
    if (!def.schedule) return [];
    const fn: ScheduledFunction = {
      id: def.id,
      name: def.name,
      region: def.region,
      scheduleText: def.schedule.schedule,
      timeZone: def.schedule.timeZone || DEFAULT_TIME_ZONE,
      timeoutSeconds: def.timeoutSeconds ?? 60,
    };
    try {
      checkTimeZone(fn.timeZone);
      fn.schedule = parseSchedule(fn.scheduleText);
    } catch (err) {
      fn.error = (err as Error).message;
    }
    return [fn];
  });
}

/** firebase-tools names a v2 function's Cloud Scheduler job `firebase-schedule-{name}-{region}`. */
export const jobName = (fn: Pick<ScheduledFunction, "name" | "region">) =>
  `firebase-schedule-${fn.name}-${fn.region}`;

/** The headers Cloud Scheduler sends to an HTTP target; firebase-functions reads the job name and time. */
export function schedulerHeaders(fn: ScheduledFunction, scheduleTimeMs: number): Record<string, string> {
  return {
    "user-agent": "Google-Cloud-Scheduler",
    "x-cloudscheduler": "true",
    "x-cloudscheduler-jobname": jobName(fn),
    "x-cloudscheduler-scheduletime": new Date(scheduleTimeMs).toISOString(),
  };
}
