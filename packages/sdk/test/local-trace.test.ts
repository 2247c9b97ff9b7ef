import assert from "node:assert/strict";
import { LIMITS } from "@aideon-perf/core";
import { closeMonitors, fakeClock, recordingTransport, testMonitor } from "./support";

describe("sdk: local traces (startTrace ... stop)", () => {
  afterEach(closeMonitors);

  it("measures on the monotonic clock and sends nothing until a flush", async () => {
    const clock = fakeClock();
    const transport = recordingTransport();
    const perf = testMonitor({ clock, transport });
    const trace = perf.startTrace("video_generation", "AI_GENERATION", {
      model: "stable-diffusion",
      resolution: "1024x1024",
    });
    clock.advance(2345);
    trace.addMetric("frames_generated", 30).addAttribute("output_format", "mp4");
    assert.equal(trace.stop(), 2.345);
    assert.equal(transport.requests.length, 0, "no network on start or stop");
    assert.deepEqual(perf.stats().queued, 1);

    await perf.flush();
    assert.deepEqual(transport.traces(), [
      {
        name: "video_generation",
        trace_type: "AI_GENERATION",
        start_time: Date.UTC(2024, 11, 6, 14, 30, 22),
        duration: 2.345,
        attributes: { model: "stable-diffusion", resolution: "1024x1024", output_format: "mp4" },
        metrics: { frames_generated: 30 },
      },
    ]);
  });

  it("defaults to CUSTOM_TRACE and omits empty attributes and metrics", async () => {
    const transport = recordingTransport();
    const perf = testMonitor({ transport });
    perf.startTrace("plain").stop();
    await perf.flush();
    assert.deepEqual(Object.keys(transport.traces()[0]!).sort(), [
      "duration",
      "name",
      "start_time",
      "trace_type",
    ]);
    assert.equal(transport.traces()[0]!.trace_type, "CUSTOM_TRACE");
  });

  it("metrics are gauges; incrementMetric counts from 0; a later attribute value wins", async () => {
    const transport = recordingTransport();
    const perf = testMonitor({ transport });
    perf
      .startTrace("counting")
      .addMetric("rows", 5)
      .addMetric("rows", 7)
      .incrementMetric("retries")
      .incrementMetric("retries")
      .incrementMetric("bytes", 512)
      .incrementMetric("constructor")
      .addAttribute("phase", "one")
      .addAttribute("phase", "two")
      .stop();
    await perf.flush();
    assert.deepEqual(transport.traces()[0]!.metrics, { rows: 7, retries: 2, bytes: 512, constructor: 1 });
    assert.deepEqual(transport.traces()[0]!.attributes, { phase: "two" });
  });

  it("copies the attributes it starts with: the caller's object is never changed", async () => {
    const transport = recordingTransport();
    const perf = testMonitor({ transport });
    const shared = Object.freeze({ model: "gpt-4" });
    perf.startTrace("a", "AI_GENERATION", shared).addAttribute("extra", 1).stop();
    perf.startTrace("b", "AI_GENERATION", shared).stop();
    await perf.flush();
    assert.deepEqual(
      transport.traces().map((t) => t.attributes),
      [{ model: "gpt-4", extra: 1 }, { model: "gpt-4" }],
    );
  });

  it("stop is idempotent and later changes are ignored", async () => {
    const clock = fakeClock();
    const transport = recordingTransport();
    const perf = testMonitor({ clock, transport });
    const trace = perf.startTrace("once");
    clock.advance(100);
    assert.equal(trace.stop(), 0.1);
    clock.advance(100);
    assert.equal(trace.stop(), 0.1);
    trace.addAttribute("late", true).addMetric("late", 1).updateName("renamed");
    await perf.flush();
    assert.equal(transport.traces().length, 1);
    assert.deepEqual(transport.traces()[0], {
      name: "once",
      trace_type: "CUSTOM_TRACE",
      start_time: clock.epochMs() - 200,
      duration: 0.1,
    });
  });

  it("updateName renames before stop (the middleware names a request once its route is known)", async () => {
    const transport = recordingTransport();
    const perf = testMonitor({ transport });
    perf.startTrace("GET (unmatched route)", "HTTP_REQUEST").updateName("GET /items/:id").stop();
    await perf.flush();
    assert.equal(transport.traces()[0]!.name, "GET /items/:id");
  });

  it(`holds up to ${LIMITS.MAX_ATTRIBUTES} attributes and ${LIMITS.MAX_METRICS} metrics; one more makes the trace invalid`, async () => {
    const transport = recordingTransport();
    const perf = testMonitor({ transport });
    const full = perf.startTrace("full");
    for (let i = 0; i < LIMITS.MAX_ATTRIBUTES; i++)
      full.addAttribute(`a${i}`, i).addAttribute(`a${i}`, i + 1);
    for (let i = 0; i < LIMITS.MAX_METRICS; i++) full.addMetric(`m${i}`, i);
    full.stop();
    perf.startTrace("two_attributes").addAttribute("x", 1).addAttribute("y", 2).stop();
    const over = perf.startTrace("over");
    for (let i = 0; i <= LIMITS.MAX_ATTRIBUTES; i++) over.addAttribute(`a${i}`, i);
    over.stop();
    const overMetrics = perf.startTrace("over_metrics");
    for (let i = 0; i <= LIMITS.MAX_METRICS; i++) overMetrics.addMetric(`m${i}`, i);
    overMetrics.stop();
    await perf.flush();
    assert.deepEqual(
      transport.traces().map((t) => t.name),
      ["full", "two_attributes"],
    );
    assert.equal(Object.keys(transport.traces()[0]!.attributes!).length, LIMITS.MAX_ATTRIBUTES);
    assert.equal(perf.stats().dropped.invalid, 2);
  });
});
