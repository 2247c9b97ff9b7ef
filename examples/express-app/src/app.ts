/**
 * The example app: a small JSON API instrumented with the SDK. Every request becomes an HTTP_REQUEST
 * trace through the middleware; handlers add their own traces with monitor.trace and @traced.
 */
import express, { type NextFunction, type Request, type Response } from "express";
import { traced, type PerformanceMonitor } from "@aideon-perf/sdk";

const ITEMS = new Map([
  ["1", { id: "1", name: "keyboard" }],
  ["2", { id: "2", name: "mouse" }],
  ["3", { id: "3", name: "monitor" }],
]);

class TextGenerator {
  /** Traced by the decorator with the default monitor (the one initPerformance made). */
  @traced({ name: "ai_text_generation", traceType: "AI_GENERATION", attributes: { model: "echo-1" } })
  async generate(prompt: string): Promise<string> {
    await new Promise((resolve) => setTimeout(resolve, 5));
    return prompt.split("").reverse().join("");
  }
}

export function createApp(perf: PerformanceMonitor): express.Express {
  const app = express();
  const generator = new TextGenerator();
  app.use(perf.expressMiddleware());
  app.use(express.json());

  const api = express.Router();
  api.get("/items/:id", (req, res) => {
    // The contract's context manager: a DATABASE_QUERY trace around the lookup.
    const item = perf.trace("items.get", "DATABASE_QUERY", (trace) => {
      const found = ITEMS.get(req.params.id);
      trace.addMetric("rows_returned", found ? 1 : 0).addAttribute("query_type", "SELECT");
      return found;
    });
    if (item) res.json(item);
    else res.status(404).json({ error: "no such item" });
  });
  api.post("/generate", async (req, res) => {
    const prompt = typeof req.body?.prompt === "string" ? req.body.prompt : "";
    res.json({ text: await generator.generate(prompt) });
  });
  api.get("/fail", () => {
    throw new Error("this route always fails");
  });
  app.use("/api", api);

  app.use((err: Error, _req: Request, res: Response, _next: NextFunction) => {
    res.status(500).json({ error: err.message });
  });
  return app;
}
