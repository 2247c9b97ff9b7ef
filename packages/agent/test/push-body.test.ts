import assert from "node:assert/strict";
import { hostMetricsPushRequestSchema, parseRequest, type HostSample } from "@aideon-perf/core";
import { pushBody } from "../src/push-body";

const sample = (id: string): HostSample => ({
  sample_id: id,
  timestamp: "2024-12-06T14:30:22.000Z",
  cpu: { percent: 1, count: 2, load_average: [0.1, 0.2, 0.3] },
  memory: { percent: 50, available_bytes: 1, total_bytes: 2 },
  disk: { percent: 10, free_bytes: 9, total_bytes: 10, mounts: [] },
  network: { bytes_sent: 1, bytes_received: 2, sent_per_second: 0, received_per_second: 0 },
  host: { hostname: "h", os: "Linux", platform: "linux", release: "6", arch: "x64", uptime_seconds: 1 },
});

describe("agent push body", () => {
  it("is a push request the core schema accepts, samples embedded as they were buffered", () => {
    const samples = ["a", "b"].map((id) => ({ sampleId: id, json: JSON.stringify(sample(id)) }));
    const body = pushBody("web-1", { version: "0.1.0", dropped_samples: 3, buffered: 2 }, samples);
    const parsed = parseRequest(hostMetricsPushRequestSchema, JSON.parse(body));
    assert.equal(parsed.host_id, "web-1");
    assert.deepEqual(parsed.agent, { version: "0.1.0", dropped_samples: 3, buffered: 2 });
    assert.deepEqual(parsed.samples, [sample("a"), sample("b")]);
    assert.ok(body.includes(samples[1]?.json as string));
  });

  it("escapes the host id like any JSON string", () => {
    assert.equal(
      JSON.parse(pushBody('a"b', { version: "v", dropped_samples: 0, buffered: 0 }, [])).host_id,
      'a"b',
    );
  });
});
