/** Reading a perf_hosts document (the host-metrics contract) as a health rule input. Pure. */
import assert from "node:assert/strict";
import { Timestamp } from "firebase-admin/firestore";
import { hostInput } from "../src/health/health-inputs";
import { storedHostSchema, type StoredHost } from "../src/stored/hosts";

const doc: StoredHost = {
  host_id: "web-1",
  agent_id: "a0123456789abcdefghi",
  last_seen: Timestamp.fromMillis(1_000_000),
  interval_seconds: 15,
  latest: {
    sample_id: "s-1",
    timestamp: Timestamp.fromMillis(999_000),
    cpu: { percent: 45.2, count: 8, load_average: [1, 1, 1] },
    memory: { percent: 62.8, available_bytes: 1, total_bytes: 2 },
    disk: {
      percent: 78.1,
      free_bytes: 1,
      total_bytes: 2,
      mounts: [{ mount: "/", percent: 78.1, free_bytes: 1, total_bytes: 2 }],
    },
    network: { bytes_sent: 1, bytes_received: 2, sent_per_second: 0, received_per_second: 0 },
    host: {
      hostname: "web-1",
      os: "Debian GNU/Linux 12",
      platform: "linux",
      release: "6.1.0",
      arch: "x64",
      uptime_seconds: 10,
    },
  },
  agent: { version: "1.0.0", dropped_samples: 0, buffered: 1 },
};

describe("health inputs: host documents", () => {
  it("reads the fields the rules need", () => {
    assert.deepEqual(hostInput(doc), {
      host_id: "web-1",
      last_seen_ms: 1_000_000,
      interval_seconds: 15,
      cpu_percent: 45.2,
      memory_percent: 62.8,
      disk_percent: 78.1,
      mounts: [{ mount: "/", percent: 78.1 }],
    });
  });

  it("is the stored host shape, which rejects a document that lacks what the rules need", () => {
    assert.ok(storedHostSchema.safeParse(doc).success);
    const fieldOf = (malformed: unknown) =>
      storedHostSchema.safeParse(malformed).error?.issues[0]?.path.join(".");
    assert.equal(fieldOf({ ...doc, last_seen: undefined }), "last_seen");
    assert.equal(fieldOf({ ...doc, interval_seconds: 0 }), "interval_seconds");
    assert.equal(fieldOf({ ...doc, latest: { ...doc.latest, cpu: {} } }), "latest.cpu.percent");
    assert.equal(fieldOf({ ...doc, latest: undefined }), "latest");
    assert.equal(
      fieldOf({ ...doc, latest: { ...doc.latest, disk: { ...doc.latest.disk, mounts: [{ mount: "/a" }] } } }),
      "latest.disk.mounts.0.percent",
    );
    assert.equal(fieldOf({ ...doc, host_id: undefined }), "host_id");
  });
});
