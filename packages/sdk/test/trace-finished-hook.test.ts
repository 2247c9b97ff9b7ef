/** onTraceFinished: every stopped valid trace reaches the app's hook as a copy; a throwing hook harms nothing. */
import assert from "node:assert/strict";
import type { StoppedTrace } from "../src/index";
import { closeMonitors, recordingTransport, testMonitor } from "./support";

describe("sdk: onTraceFinished", () => {
  afterEach(closeMonitors);

  it("gets each stopped valid trace once, as sent, and not invalid or sampled-out ones", async () => {
    const seen: StoppedTrace[] = [];
    const transport = recordingTransport();
    const perf = testMonitor({ transport, onTraceFinished: (t) => seen.push(t) });
    perf.startTrace("checkout", "HTTP_REQUEST", { route: "/checkout" }).addMetric("items", 3).stop();
    perf.startTrace("_reserved").stop(); // invalid name: dropped, not announced
    await perf.flush();
    assert.equal(seen.length, 1);
    assert.deepEqual(
      { ...seen[0], startTime: 0, duration: 0 },
      {
        name: "checkout",
        traceType: "HTTP_REQUEST",
        startTime: 0,
        duration: 0,
        attributes: { route: "/checkout" },
        metrics: { items: 3 },
      },
    );
    seen[0]!.attributes.route = "changed by the hook";
    assert.equal(transport.traces()[0]!.attributes?.route, "/checkout", "the hook has a copy");

    const sampled: StoppedTrace[] = [];
    const none = testMonitor({
      transport: recordingTransport(),
      samplingRate: 0,
      onTraceFinished: (t) => sampled.push(t),
    });
    none.startTrace("x").stop();
    assert.equal(sampled.length, 0);
  });

  it("a hook that throws is reported to onError and the trace is still sent", async () => {
    const errors: unknown[] = [];
    const transport = recordingTransport();
    const perf = testMonitor({
      transport,
      onError: (e) => errors.push(e),
      onTraceFinished: () => {
        throw new Error("logger down");
      },
    });
    perf.startTrace("op").stop();
    await perf.flush();
    assert.equal(transport.traces().length, 1);
    assert.match(String(errors[0]), /logger down/);
  });

  it("must be a function", () => {
    assert.throws(
      () => testMonitor({ onTraceFinished: "log" as never }),
      /onTraceFinished: must be a function/,
    );
  });
});
