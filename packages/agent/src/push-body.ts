/** The push request's JSON, assembled from samples already held as JSON text (see sample-buffer.ts). */
import type { HostMetricsPushRequest } from "@aideon-perf/core";
import type { BufferedSample } from "./sample-buffer";

export function pushBody(
  hostId: string,
  agent: HostMetricsPushRequest["agent"],
  samples: readonly BufferedSample[],
): string {
  const head = JSON.stringify({ host_id: hostId, agent });
  return `${head.slice(0, -1)},"samples":[${samples.map((sample) => sample.json).join(",")}]}`;
}
