/**
 * A name's detail: count and p50 / p95 / p99 over each window, from getTraceSummary (one call per
 * window, when opened), with the type's thresholds drawn.
 */
import type { Chart } from "chart.js";
import type { DashboardWidget, TraceType } from "@aideon-perf/core";
import type { ThresholdLines } from "./charts";
import { h } from "./dom";
import type { FirebaseConnection } from "./firebase";
import { percentileBlock, type Summary } from "./widgets";

const WINDOWS = ["hour", "24h", "7d", "all"] as const;

export function nameDetail(fb: FirebaseConnection) {
  const heading = h("h2", { id: "w-name-detail", tabindex: -1 });
  const body = h("div");
  const closeButton = h("button", { type: "button", text: "Close" });
  const node = h(
    "section",
    { class: "card wide", "data-widget": "name-detail", "aria-labelledby": "w-name-detail", hidden: true },
    heading,
    body,
    closeButton,
  );
  let charts: Chart[] = [];
  let thresholds: Partial<Record<TraceType, ThresholdLines>> = {};
  const clear = () => {
    charts.forEach((c) => c.destroy());
    charts = [];
  };
  closeButton.addEventListener("click", () => {
    clear();
    node.hidden = true;
  });
  return {
    node,
    setThresholds(widget: DashboardWidget | undefined) {
      if (widget?.id === "durations-by-type") thresholds = widget.data.thresholds;
    },
    async open(traceType: TraceType, name: string) {
      clear();
      node.hidden = false;
      node.setAttribute("data-type", traceType);
      node.setAttribute("data-name", name);
      heading.textContent = `${name} (${traceType})`;
      body.replaceChildren(h("p", { class: "note", text: "loading…" }));
      heading.focus();
      const summaries = await Promise.all(
        WINDOWS.map((window) =>
          fb
            .call<{ summary: Summary }>("getTraceSummary", { trace_type: traceType, name, window })
            .then((r) => [window, r.summary] as [string, Summary]),
        ),
      );
      body.replaceChildren(...percentileBlock(charts, name, summaries, thresholds[traceType]));
    },
    close: clear,
  };
}
