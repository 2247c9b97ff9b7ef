/** Reading a perf_hosts document (the host-metrics contract) as a health rule input. Pure. */
import assert from "node:assert/strict";
import { Timestamp } from "firebase-admin/firestore";
import { hostInput } from "../src/health/health-inputs";

const doc = {
  host_id: "web-1",
  last_seen: Timestamp.fromMillis(1_000_000),
  interval_seconds: 15,
  latest: {
    timestamp: Timestamp.fromMillis(999_000),
    cpu: { percent: 45.2, count: 8, load_average: [1, 1, 1] },
    memory: { percent: 62.8, available_bytes: 1, total_bytes: 2 },
    disk: { percent: 78.1, free_bytes: 1, total_bytes: 2, mounts: [{ mount: "/", percent: 78.1, free_bytes: 1, total_bytes: 2 }] },
    network: { bytes_sent: 1, bytes_received: 2 },
    host: { hostname: "web-1", os: "Debian GNU/Linux 12" },
  },
};

describe("health inputs: host documents", () => {
  it("reads the fields the rules need", () => {
    assert.deepEqual(hostInput("web-1", doc), {
      host_id: "web-1",
      last_seen_ms: 1_000_000,
      interval_seconds: 15,
      cpu_percent: 45.2,
      memory_percent: 62.8,
      disk_percent: 78.1,
      mounts: [{ mount: "/", percent: 78.1 }],
    });
  });

  it("skips a document that lacks them, and keeps the well-formed mounts", () => {
    assert.equal(hostInput("x", { ...doc, last_seen: undefined }), undefined);
    assert.equal(hostInput("x", { ...doc, interval_seconds: 0 }), undefined);
    assert.equal(hostInput("x", { ...doc, latest: { ...doc.latest, cpu: {} } }), undefined);
    assert.equal(hostInput("x", { ...doc, latest: undefined }), undefined);
    const odd = hostInput("web-1", { ...doc, latest: { ...doc.latest, disk: { percent: 5, mounts: [{ mount: "/a" }, { mount: "/b", percent: 7 }] } } });
    assert.deepEqual(odd?.mounts, [{ mount: "/b", percent: 7 }]);
  });

  it("falls back to the document id for the host id", () => {
    assert.equal(hostInput("db-1", { ...doc, host_id: undefined })?.host_id, "db-1");
  });
});
