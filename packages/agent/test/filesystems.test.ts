import assert from "node:assert/strict";
import { hostSampleSchema, MAX_MOUNTS_PER_SAMPLE } from "@aideon-perf/core";
import { diskFromFilesystems, type FsSizeEntry } from "../src/filesystems";

const GB = 1024 ** 3;
const fs = (
  mount: string,
  type = "ext4",
  size = 100 * GB,
  used = 40 * GB,
  available = 55 * GB,
): FsSizeEntry => ({ mount, type, size, used, available });

describe("agent disk from si.fsSize()", () => {
  it("summarises the root filesystem and lists every real one, sorted by mount", () => {
    const disk = diskFromFilesystems([
      fs("/var", "xfs", 10 * GB, 5 * GB, 5 * GB),
      fs("/"),
      fs("/dev/shm", "tmpfs"),
      fs("/dev", "devtmpfs"),
      fs("/snap/x", "squashfs"),
    ]);
    // As df: used / (used + available), reserved blocks in neither.
    assert.deepEqual(disk, {
      percent: 42.11,
      free_bytes: 55 * GB,
      total_bytes: 100 * GB,
      mounts: [
        { mount: "/", percent: 42.11, free_bytes: 55 * GB, total_bytes: 100 * GB },
        { mount: "/var", percent: 50, free_bytes: 5 * GB, total_bytes: 10 * GB },
      ],
    });
  });

  it("takes the first drive where there is no / (Windows)", () => {
    assert.equal(
      diskFromFilesystems([fs("D:", "NTFS", 10 * GB, 1 * GB, 9 * GB), fs("C:", "NTFS")])?.total_bytes,
      100 * GB,
    );
  });

  it("keeps one entry per mount, skips empty and over-long mounts, and caps the list", () => {
    const many = Array.from({ length: 40 }, (_, i) => fs(`/m${String(i).padStart(2, "0")}`));
    const disk = diskFromFilesystems([
      fs("/"),
      fs("/", "ext4", 1, 1, 0),
      fs("/zero", "ext4", 0, 0, 0),
      fs(`/${"x".repeat(200)}`),
      ...many,
    ]);
    assert.equal(disk?.total_bytes, 100 * GB);
    assert.equal(disk?.mounts.length, MAX_MOUNTS_PER_SAMPLE);
    assert.equal(new Set(disk?.mounts.map((m) => m.mount)).size, MAX_MOUNTS_PER_SAMPLE);
    assert.ok(disk?.mounts.every((m) => m.mount.length <= 128 && m.total_bytes > 0));
  });

  it("is undefined when no real filesystem is listed", () => {
    assert.equal(diskFromFilesystems([]), undefined);
    assert.equal(diskFromFilesystems([fs("/dev/shm", "tmpfs")]), undefined);
  });

  it("produces what the wire schema accepts", () => {
    const disk = diskFromFilesystems([
      fs("/"),
      fs("/boot", "vfat", 512 * 1024 ** 2, 100 * 1024 ** 2, 412 * 1024 ** 2),
    ]);
    const sample = {
      sample_id: "s",
      timestamp: "2024-12-06T14:30:22Z",
      cpu: { percent: 0, count: 1, load_average: [0, 0, 0] },
      memory: { percent: 0, available_bytes: 0, total_bytes: 0 },
      disk,
      network: { bytes_sent: 0, bytes_received: 0, sent_per_second: 0, received_per_second: 0 },
      host: { hostname: "h", os: "o", platform: "linux", release: "r", arch: "x64", uptime_seconds: 0 },
    };
    assert.ok(hostSampleSchema.safeParse(sample).success);
  });
});
