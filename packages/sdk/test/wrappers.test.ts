import assert from "node:assert/strict";
import { getPerformanceMonitor, monitored, traced } from "../src";
import {
  closeMonitors,
  fakeClock,
  recordingTransport,
  testMonitor,
  type FakeClock,
  type RecordingTransport,
} from "./support";

class BoomError extends Error {
  override readonly name = "BoomError";
}

describe("sdk: trace(), monitored() and @traced always stop their trace", () => {
  let clock: FakeClock;
  let transport: RecordingTransport;
  let perf: ReturnType<typeof testMonitor>;

  beforeEach(() => {
    clock = fakeClock();
    transport = recordingTransport();
    perf = testMonitor({ clock, transport });
  });
  afterEach(closeMonitors);

  const sent = async () => {
    await perf.flush();
    return transport.traces().map((t) => ({
      name: t.name,
      type: t.trace_type,
      duration: t.duration,
      attributes: t.attributes,
      metrics: t.metrics,
    }));
  };

  describe("monitor.trace (the context manager)", () => {
    it("sync: returns the value and records success", async () => {
      const rows = perf.trace("database_operation", "DATABASE_QUERY", (trace) => {
        clock.advance(40);
        trace.addMetric("rows_returned", 3).addAttribute("query_type", "SELECT");
        return [1, 2, 3];
      });
      assert.deepEqual(rows, [1, 2, 3]);
      assert.deepEqual(await sent(), [
        {
          name: "database_operation",
          type: "DATABASE_QUERY",
          duration: 0.04,
          attributes: { query_type: "SELECT", success: true },
          metrics: { rows_returned: 3 },
        },
      ]);
    });

    it("sync: a throw stops the trace with success false and the error's class, then propagates", async () => {
      assert.throws(
        () =>
          perf.trace("failing", "CUSTOM_TRACE", () => {
            clock.advance(5);
            throw new BoomError("secret detail");
          }),
        BoomError,
      );
      assert.deepEqual(await sent(), [
        {
          name: "failing",
          type: "CUSTOM_TRACE",
          duration: 0.005,
          attributes: { success: false, error_type: "BoomError" },
          metrics: undefined,
        },
      ]);
    });

    it("async: stops when the promise resolves, measuring the awaited work", async () => {
      const result = perf.trace("ai_call", "AI_GENERATION", async () => {
        await Promise.resolve();
        clock.advance(1500);
        return "text";
      });
      assert.equal(perf.stats().queued, 0, "not stopped before the promise settles");
      assert.equal(await result, "text");
      assert.deepEqual(await sent(), [
        {
          name: "ai_call",
          type: "AI_GENERATION",
          duration: 1.5,
          attributes: { success: true },
          metrics: undefined,
        },
      ]);
    });

    it("async: a rejection stops the trace with success false and is passed on", async () => {
      await assert.rejects(
        perf.trace("ai_call", "AI_GENERATION", async () => {
          clock.advance(20);
          throw new BoomError();
        }),
        BoomError,
      );
      assert.deepEqual((await sent())[0]!.attributes, { success: false, error_type: "BoomError" });
    });

    it("a thrown non-Error is recorded by its type", async () => {
      assert.throws(() =>
        perf.trace("odd", "CUSTOM_TRACE", () => {
          throw "just a string";
        }),
      );
      assert.deepEqual((await sent())[0]!.attributes, { success: false, error_type: "string" });
    });
  });

  describe("monitored(fn, options) (the decorator as a wrapper)", () => {
    it("keeps this and the arguments, names the trace after the function by default", async () => {
      const counter = {
        base: 10,
        add: monitored(
          function add(this: { base: number }, a: number, b: number) {
            return this.base + a + b;
          },
          { monitor: perf },
        ),
      };
      assert.equal(counter.add(1, 2), 13);
      assert.deepEqual(await sent(), [
        { name: "add", type: "CUSTOM_TRACE", duration: 0, attributes: { success: true }, metrics: undefined },
      ]);
    });

    it("stops on a throw and on a rejection", async () => {
      const throws = monitored(
        () => {
          throw new BoomError();
        },
        { name: "sync_failure", monitor: perf },
      );
      const rejects = monitored(
        async () => {
          throw new BoomError();
        },
        { name: "async_failure", traceType: "EXTERNAL_API", monitor: perf },
      );
      assert.throws(() => throws(), BoomError);
      await assert.rejects(rejects(), BoomError);
      assert.deepEqual(
        (await sent()).map((t) => [t.name, t.type, t.attributes]),
        [
          ["sync_failure", "CUSTOM_TRACE", { success: false, error_type: "BoomError" }],
          ["async_failure", "EXTERNAL_API", { success: false, error_type: "BoomError" }],
        ],
      );
    });

    it("uses the monitor of the last initPerformance, looked up at each call", async () => {
      const generate = monitored(async (prompt: string) => prompt.toUpperCase(), {
        name: "ai_text_generation",
        traceType: "AI_GENERATION",
        attributes: { model: "gpt-4" },
      });
      assert.equal(getPerformanceMonitor(), perf);
      assert.equal(await generate("hi"), "HI");
      assert.deepEqual(await sent(), [
        {
          name: "ai_text_generation",
          type: "AI_GENERATION",
          duration: 0,
          attributes: { model: "gpt-4", success: true },
          metrics: undefined,
        },
      ]);
    });
  });

  describe("@traced (TypeScript 5 standard decorator)", () => {
    class TextService {
      calls = 0;

      @traced({ name: "ai_text_generation", traceType: "AI_GENERATION", attributes: { model: "gpt-4" } })
      async generateText(prompt: string): Promise<string> {
        this.calls++;
        await Promise.resolve();
        if (prompt === "") throw new BoomError();
        return `echo: ${prompt}`;
      }

      @traced({ traceType: "DATABASE_QUERY" })
      countWords(text: string): number {
        this.calls++;
        if (text === "") throw new BoomError();
        return text.split(" ").length;
      }
    }

    it("traces an async method: resolve and rejection", async () => {
      const service = new TextService();
      assert.equal(await service.generateText("hello"), "echo: hello");
      await assert.rejects(service.generateText(""), BoomError);
      assert.equal(service.calls, 2);
      assert.deepEqual(
        (await sent()).map((t) => [t.name, t.type, t.attributes]),
        [
          ["ai_text_generation", "AI_GENERATION", { model: "gpt-4", success: true }],
          [
            "ai_text_generation",
            "AI_GENERATION",
            { model: "gpt-4", success: false, error_type: "BoomError" },
          ],
        ],
      );
    });

    it("traces a sync method, named after the method by default: return and throw", async () => {
      const service = new TextService();
      assert.equal(service.countWords("one two three"), 3);
      assert.throws(() => service.countWords(""), BoomError);
      assert.deepEqual(
        (await sent()).map((t) => [t.name, t.type, t.attributes]),
        [
          ["countWords", "DATABASE_QUERY", { success: true }],
          ["countWords", "DATABASE_QUERY", { success: false, error_type: "BoomError" }],
        ],
      );
    });
  });
});
