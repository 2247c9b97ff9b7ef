import assert from "node:assert/strict";
import { ValidationError, type TraceType } from "../src";
import { closeMonitors, fakeClock, recordingTransport, testMonitor } from "./support";

const BAD_INPUT: Array<{
  label: string;
  record: (perf: ReturnType<typeof testMonitor>) => void;
  field: string;
}> = [
  { label: "empty name", record: (p) => p.startTrace("").stop(), field: "name" },
  { label: "reserved name", record: (p) => p.startTrace("_internal").stop(), field: "name" },
  { label: "name with trailing space", record: (p) => p.startTrace("query ").stop(), field: "name" },
  { label: "name of 101 characters", record: (p) => p.startTrace("n".repeat(101)).stop(), field: "name" },
  {
    label: "unknown trace type",
    record: (p) => p.startTrace("x", "HTTP" as TraceType).stop(),
    field: "trace_type",
  },
  {
    label: "attribute key with a dash",
    record: (p) => p.startTrace("x").addAttribute("user-id", 1).stop(),
    field: "attributes.user-id",
  },
  {
    label: "attribute value of 101 characters",
    record: (p) => p.startTrace("x").addAttribute("k", "v".repeat(101)).stop(),
    field: "attributes.k",
  },
  {
    label: "attribute value NaN",
    record: (p) => p.startTrace("x").addAttribute("k", NaN).stop(),
    field: "attributes.k",
  },
  {
    label: "attribute value an object",
    record: (p) =>
      p
        .startTrace("x")
        .addAttribute("k", {} as never)
        .stop(),
    field: "attributes.k",
  },
  {
    label: "initial attribute key reserved",
    record: (p) => p.startTrace("x", "CUSTOM_TRACE", { __key__: 1 }).stop(),
    field: "attributes.__key__",
  },
  {
    label: "metric value Infinity",
    record: (p) => p.startTrace("x").addMetric("rows", Infinity).stop(),
    field: "metrics.rows",
  },
  {
    label: "metric name reserved",
    record: (p) => p.startTrace("x").addMetric("_rows", 1).stop(),
    field: "metrics._rows",
  },
  {
    label: "renamed to an empty name",
    record: (p) => p.startTrace("x").updateName("").stop(),
    field: "name",
  },
];

describe("sdk: invalid input is rejected locally with the core's schemas, never sent", () => {
  afterEach(closeMonitors);

  it("onInvalid 'drop' (default): each bad trace is dropped, counted and reported to onError", async () => {
    const transport = recordingTransport();
    const errors: unknown[] = [];
    const perf = testMonitor({ transport, onError: (e) => errors.push(e) });
    for (const c of BAD_INPUT) c.record(perf);
    perf.startTrace("valid").stop();
    await perf.flush();
    assert.deepEqual(
      transport.traces().map((t) => t.name),
      ["valid"],
    );
    assert.equal(perf.stats().dropped.invalid, BAD_INPUT.length);
    assert.deepEqual(
      errors.map((e) => (e as ValidationError).field),
      BAD_INPUT.map((c) => c.field),
    );
  });

  for (const c of BAD_INPUT) {
    it(`onInvalid 'throw': ${c.label} throws a ValidationError naming ${c.field}`, () => {
      const perf = testMonitor({ onInvalid: "throw" });
      assert.throws(
        () => c.record(perf),
        (e: unknown) =>
          e instanceof ValidationError && e.field === c.field && e.message.startsWith(`${c.field}: `),
      );
    });
  }

  it("onInvalid 'throw': a refused call leaves the trace valid and sendable", async () => {
    const transport = recordingTransport();
    const perf = testMonitor({ transport, onInvalid: "throw" });
    const trace = perf.startTrace("kept");
    assert.throws(() => trace.addAttribute("bad key", 1), ValidationError);
    trace.addAttribute("good_key", 1).stop();
    await perf.flush();
    assert.deepEqual(
      transport.traces().map((t) => [t.name, t.attributes]),
      [["kept", { good_key: 1 }]],
    );
  });

  it("a trace longer than a day is dropped as invalid, even in 'throw' mode (stop never throws)", async () => {
    const clock = fakeClock();
    const transport = recordingTransport();
    const perf = testMonitor({ clock, transport, onInvalid: "throw" });
    const trace = perf.startTrace("forgotten");
    clock.advance(86_400_001);
    assert.equal(trace.stop(), 86_400.001);
    await perf.flush();
    assert.equal(transport.requests.length, 0);
    assert.equal(perf.stats().dropped.invalid, 1);
  });

  it("checks a repeated name or key against the schema once, and still checks every value", async () => {
    const transport = recordingTransport();
    const perf = testMonitor({ transport });
    for (let i = 0; i < 3; i++)
      perf
        .startTrace("repeated")
        .addAttribute("size", i === 1 ? "x".repeat(101) : i)
        .stop();
    await perf.flush();
    assert.deepEqual(
      transport.traces().map((t) => t.attributes),
      [{ size: 0 }, { size: 2 }],
    );
    assert.equal(perf.stats().dropped.invalid, 1);
  });
});
