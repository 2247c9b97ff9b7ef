import assert from "node:assert/strict";
import type { CpuInfo } from "node:os";
import { ratePerSecond } from "../src/counter-rate";
import { clampPercent, cpuPercent, cpuTicks } from "../src/cpu-usage";

const cpu = (user: number, sys: number, idle: number): CpuInfo => ({
  model: "x",
  speed: 1,
  times: { user, nice: 0, sys, idle, irq: 0 },
});

describe("agent CPU percent and counter rates", () => {
  it("CPU percent is the busy share of all ticks between two readings", () => {
    const before = cpuTicks([cpu(100, 50, 850), cpu(0, 0, 1_000)]);
    const after = cpuTicks([cpu(200, 100, 900), cpu(50, 0, 1_150)]);
    // busy +200 of +400 ticks
    assert.equal(cpuPercent(before, after), 50);
    assert.equal(cpuPercent(after, after), 0);
  });

  it("clamps percents to 0-100 with two decimals", () => {
    assert.equal(clampPercent(100.004), 100);
    assert.equal(clampPercent(-1), 0);
    assert.equal(clampPercent(33.3333), 33.33);
  });

  it("rates are per second between two readings; 0 for the first, for no time or a counter going back", () => {
    assert.equal(ratePerSecond(undefined, { value: 10, atMs: 1_000 }), 0);
    assert.equal(ratePerSecond({ value: 1_000, atMs: 0 }, { value: 16_000, atMs: 15_000 }), 1_000);
    assert.equal(ratePerSecond({ value: 1_000, atMs: 0 }, { value: 1_000, atMs: 0 }), 0);
    assert.equal(ratePerSecond({ value: 1_000, atMs: 0 }, { value: 10, atMs: 15_000 }), 0);
    assert.equal(ratePerSecond({ value: 0, atMs: 0 }, { value: 1, atMs: 3_000 }), 0.33);
  });
});
