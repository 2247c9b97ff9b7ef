/** `perf_host_series`: a host's samples, one document per host and hour (`{host}_{hour}`), keyed by sample_id inside. */
import * as z from "zod";
import { hostIdSchema, hostSampleSchema, seriesPointSchema } from "@aideon-perf/core";
import { storedConverter, timestampSchema } from "./stored-document";

export const storedHostSeriesSchema = z.object({
  host_id: hostIdSchema,
  /** The hour's bucket key (bucketKey("hour", ...)). */
  hour: z.string(),
  /** The hour's points by sample_id, so a re-sent sample is found and counted as a duplicate. */
  samples: z.record(hostSampleSchema.shape.sample_id, seriesPointSchema),
  /** Server time of the last write + retention (HOST_SERIES_RETENTION_DAYS). */
  expire_at: timestampSchema,
});

export type StoredHostSeries = z.output<typeof storedHostSeriesSchema>;

export const storedHostSeriesConverter = storedConverter(storedHostSeriesSchema);
