import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { parseNetDev, parseProcessStat, parseVmRssBytes } from "../src/proc-files";

const NET_DEV = `Inter-|   Receive                                                |  Transmit
 face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls carrier compressed
    lo: 731259722  743919    0    0    0     0          0         0 731259722  743919    0    0    0     0       0          0
  eth0: 1340078188   45156    0    0    0     0          0         0  5203759   31395    0    0    0     0       0          0
 wlan0:100 1 0 0 0 0 0 0 200 2 0 0 0 0 0 0
`;

describe("agent /proc parsers", () => {
  it("sums network bytes over interfaces other than loopback", () => {
    assert.deepEqual(parseNetDev(NET_DEV), { bytesReceived: 1_340_078_288, bytesSent: 5_203_959 });
  });

  it("reads a process's name, CPU ticks and start time, whatever its name holds", () => {
    const rest = "S 1 2 3 4 5 6 7 8 9 10 250 50 0 0 20 0 1 0 12345 1000 25 18446744073709551615";
    assert.deepEqual(parseProcessStat(`4242 (node) ${rest}`), {
      name: "node",
      cpuTicks: 300,
      startTicks: 12345,
    });
    assert.deepEqual(parseProcessStat(`7 (a) b (c)) ${rest}`), {
      name: "a) b (c)",
      cpuTicks: 300,
      startTicks: 12345,
    });
    assert.throws(() => parseProcessStat("garbage"));
  });

  it("reads VmRSS in bytes, 0 for a kernel thread", () => {
    assert.equal(parseVmRssBytes("Name:\tnode\nVmRSS:\t   51200 kB\nThreads: 7\n"), 51_200 * 1024);
    assert.equal(parseVmRssBytes("Name:\tkthreadd\nThreads: 1\n"), 0);
  });

  if (process.platform === "linux") {
    it("agrees with this machine: own name and RSS from /proc/self", () => {
      const stat = parseProcessStat(readFileSync("/proc/self/stat", "utf8"));
      assert.ok(stat.cpuTicks >= 0 && stat.startTicks > 0);
      const rss = parseVmRssBytes(readFileSync("/proc/self/status", "utf8"));
      assert.ok(
        Math.abs(rss - process.memoryUsage.rss()) < 64 * 1024 * 1024,
        `${rss} vs ${process.memoryUsage.rss()}`,
      );
    });
  }
});
