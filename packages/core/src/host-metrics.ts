/**
 * Host metrics: the one wire contract between the host agent (packages/agent) and the
 * `ingestHostMetrics` HTTPS function. The agent POSTs a HostMetricsPushRequest as JSON with
 * `Authorization: Bearer <agent key>`; the function answers HostMetricsPushResponse, or the REST error
 * body `{success: false, error: {code, message}}` with HTTP 400/401/403/413/429/5xx.
 *
 * A sample is the contract's `GET /api/v1/performance/system-metrics` `metrics` object plus what a
 * fleet needs. Mapping, source -> sample:
 *   timestamp, cpu.percent, cpu.count, memory.*, disk.percent/free_bytes/total_bytes,
 *   network.bytes_sent/bytes_received, process.memory_bytes/cpu_percent      -> same names, same units
 * added here: sample_id (idempotency key), host (who measured), cpu.load_average, disk.mounts (every
 * real filesystem, `disk.*` being the root one), network.*_per_second (rates from counter deltas),
 * process.pid/name (which process is watched; the contract watched itself).
 *
 * Browser-safe and Firebase-free like the rest of the core.
 */
import * as z from "zod";
import {
  HOST_ID_MAX_LENGTH,
  HOST_TEXT_MAX_LENGTH,
  MAX_MOUNTS_PER_SAMPLE,
  MAX_SAMPLES_PER_PUSH,
  MOUNT_MAX_LENGTH,
  PLATFORM_MAX_LENGTH,
  PROCESS_NAME_MAX_LENGTH,
} from "./host-limits";
import { LIMITS } from "./limits";
import { documentIdSchema } from "./schemas";
import {
  ISO_UTC_MESSAGE,
  TIMESTAMP_RANGE_MESSAGE,
  isFirestoreReserved,
  nonNegative,
  percent,
  success,
} from "./schema-blocks";

/** Byte counts and counters: whole, non-negative, exact in a double. */
const countSchema = z
  .number()
  .min(0, "must not be negative")
  .max(Number.MAX_SAFE_INTEGER, `must be at most ${Number.MAX_SAFE_INTEGER}`)
  // Last: zod's int check carries its own safe-range bound, worded less plainly than the one above.
  .int();
const bytesSchema = countSchema;

const textSchema = (maxLength: number) => z.string().min(1).max(maxLength);

/** host_id: `hostname` by default; may become a Firestore document id, hence the exclusions. */
export const hostIdSchema = z
  .string()
  .min(1)
  .max(HOST_ID_MAX_LENGTH)
  .regex(/^[A-Za-z0-9._-]+$/, "must contain only letters, digits, ., _ and -")
  .refine((id) => id !== "." && id !== "..", "must not be . or ..")
  .refine((id) => !isFirestoreReserved(id), "must not have the form __id__ (reserved by Firestore)");

/** ISO 8601 UTC (`Z`, no offset), a real date and time; kept as the string the agent sent. */
export const sampleTimestampSchema = z.iso.datetime({ error: ISO_UTC_MESSAGE }).refine((text) => {
  const ms = Date.parse(text);
  return ms >= LIMITS.START_TIME_MIN_MS && ms <= LIMITS.START_TIME_MAX_MS;
}, TIMESTAMP_RANGE_MESSAGE);

/** `<free> <= total_bytes`, reported on the free field. */
function notAboveTotal<Free extends string>(free: Free) {
  return {
    check: (value: Record<Free | "total_bytes", number>) => value[free] <= value.total_bytes,
    params: { message: "must not exceed total_bytes", path: [free] },
  };
}

/** percent is of used space as `df` reports it: used / (used + free_bytes), free_bytes being what non-root users may use. */
const filesystemShape = {
  percent,
  free_bytes: bytesSchema,
  total_bytes: bytesSchema,
};
const freeNotAboveTotal = notAboveTotal("free_bytes");

export const mountSchema = z
  .strictObject({ mount: textSchema(MOUNT_MAX_LENGTH), ...filesystemShape })
  .refine(freeNotAboveTotal.check, freeNotAboveTotal.params);

const availableNotAboveTotal = notAboveTotal("available_bytes");

export const hostSampleSchema = z
  .strictObject({
    /** Idempotency key: a re-sent sample keeps its id and is stored once. */
    sample_id: documentIdSchema,
    timestamp: sampleTimestampSchema,
    cpu: z.strictObject({
      /** Busy share of all cores since the previous sample, like psutil.cpu_percent(). */
      percent,
      count: z.number().int().min(1, "must be at least 1").max(65_536, "must be at most 65536"),
      /** 1, 5 and 15 minute load averages (0, 0, 0 where the OS has none, as on Windows). */
      load_average: z.tuple([nonNegative, nonNegative, nonNegative]),
    }),
    memory: z
      .strictObject({
        /** (total - available) / total. */
        percent,
        available_bytes: bytesSchema,
        total_bytes: bytesSchema,
      })
      .refine(availableNotAboveTotal.check, availableNotAboveTotal.params),
    disk: z
      .strictObject({
        ...filesystemShape,
        mounts: z.array(mountSchema).max(MAX_MOUNTS_PER_SAMPLE),
      })
      .refine(freeNotAboveTotal.check, freeNotAboveTotal.params),
    network: z.strictObject({
      /** Counters since boot, summed over interfaces other than loopback. */
      bytes_sent: countSchema,
      bytes_received: countSchema,
      /** Bytes per second since the previous sample. */
      sent_per_second: nonNegative,
      received_per_second: nonNegative,
    }),
    /** The watched process, when the agent was told to watch one. */
    process: z
      .strictObject({
        pid: z
          .number()
          .int()
          .min(1, "must be at least 1")
          .max(2 ** 31 - 1, `must be at most ${2 ** 31 - 1}`),
        name: textSchema(PROCESS_NAME_MAX_LENGTH),
        /** Resident set size. */
        memory_bytes: bytesSchema,
        /** Of one core, like psutil's Process.cpu_percent(): up to 100 x cpu.count. */
        cpu_percent: nonNegative,
      })
      .optional(),
    host: z.strictObject({
      hostname: textSchema(HOST_TEXT_MAX_LENGTH),
      /** Distribution or product name with its version, e.g. "Debian GNU/Linux 12". */
      os: textSchema(HOST_TEXT_MAX_LENGTH),
      /** Node's process.platform: linux, darwin, win32... */
      platform: textSchema(PLATFORM_MAX_LENGTH),
      /** Kernel release (os.release()). */
      release: textSchema(HOST_TEXT_MAX_LENGTH),
      arch: textSchema(PLATFORM_MAX_LENGTH),
      uptime_seconds: nonNegative,
    }),
  })
  .refine((sample) => !sample.process || sample.process.cpu_percent <= 100 * sample.cpu.count, {
    message: "must be at most 100 x cpu.count",
    path: ["process", "cpu_percent"],
  });

const hasUniqueSampleIds = (samples: readonly { sample_id: string }[]) =>
  new Set(samples.map((sample) => sample.sample_id)).size === samples.length;

export const hostMetricsPushRequestSchema = z.strictObject({
  host_id: hostIdSchema,
  agent: z.strictObject({
    version: textSchema(HOST_TEXT_MAX_LENGTH),
    /** Samples this agent process has dropped since it started (buffer full, batch rejected): a counter. */
    dropped_samples: countSchema,
    /** Samples the agent held when it sent this push, this batch included. */
    buffered: countSchema,
  }),
  samples: z
    .array(hostSampleSchema)
    .min(1)
    .max(MAX_SAMPLES_PER_PUSH)
    .refine(hasUniqueSampleIds, "must not repeat a sample_id"),
});

/** accepted + duplicates = samples.length; a duplicate is a sample_id already stored (an agent retry). */
export const hostMetricsPushResponseSchema = z.strictObject({
  success,
  accepted: countSchema,
  duplicates: countSchema,
});

export type HostSample = z.output<typeof hostSampleSchema>;
export type HostMount = z.output<typeof mountSchema>;
export type HostMetricsPushRequest = z.output<typeof hostMetricsPushRequestSchema>;
export type HostMetricsPushResponse = z.output<typeof hostMetricsPushResponseSchema>;
