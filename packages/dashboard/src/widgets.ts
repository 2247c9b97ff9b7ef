/**
 * One renderer per widget of getDashboard: each returns a self-contained card whose data-widget is the
 * widget's id and whose text carries its values (rows say their type / name / window in data-*).
 */
import type { Chart } from "chart.js";
import type { AlertView, DashboardWidget, TraceType } from "@aideon-perf/core";
import { COLOURS, durationChart, gaugeChart, type ThresholdLines } from "./charts";
import { card, h, table, td } from "./dom";
import { formatCount, formatDuration, formatPercent, formatTime } from "./format";

type Of<I extends DashboardWidget["id"]> = Extract<DashboardWidget, { id: I }>;
export type Summary = {
  count: number;
  p50_duration: number | null;
  p95_duration: number | null;
  p99_duration: number | null;
};

export interface RenderContext {
  /** Charts of the card being rendered; destroyed when it is replaced. */
  charts: Chart[];
  openName(traceType: TraceType, name: string): void;
  saveThresholds(thresholds: Record<string, ThresholdLines>): Promise<void>;
  saveHealthSettings(config: Record<string, unknown>): Promise<void>;
}

export const WINDOW_LABELS: Record<string, string> = {
  hour: "last hour",
  "24h": "last 24 h",
  "7d": "last 7 d",
  all: "all time",
};

const num = (text: string, field?: string) =>
  td(text, { class: "num", ...(field ? { "data-field": field } : {}) });
const canvas = (label: string) => h("canvas", { role: "img", "aria-label": label });

const metric = (w: { id: string; title: string; value: number }) =>
  card(w.id, w.title, h("p", { class: "value", text: formatCount(w.value) }));

/** Count and percentiles of one subject per window, as a table and as a chart with its thresholds. */
export function percentileBlock(
  charts: Chart[],
  label: string,
  windows: Array<[string, Summary | undefined]>,
  thresholds?: ThresholdLines,
): Node[] {
  const graph = canvas(`${label}: p50, p95 and p99 durations per window`);
  const labels = windows.map(([w]) => WINDOW_LABELS[w] ?? w);
  const pick = (k: keyof Summary) => windows.map(([, s]) => (s ? (s[k] as number | null) : null));
  queueMicrotask(() =>
    charts.push(
      durationChart(
        graph,
        labels,
        [
          { label: "p50", colour: COLOURS.p50, values: pick("p50_duration") },
          { label: "p95", colour: COLOURS.p95, values: pick("p95_duration") },
          { label: "p99", colour: COLOURS.p99, values: pick("p99_duration") },
        ],
        thresholds,
      ),
    ),
  );
  const rows = windows.map(([w, s]) => [
    td(WINDOW_LABELS[w] ?? w),
    num(formatCount(s?.count ?? 0), "count"),
    num(formatDuration(s?.p50_duration), "p50"),
    num(formatDuration(s?.p95_duration), "p95"),
    num(formatDuration(s?.p99_duration), "p99"),
  ]);
  const tableEl = table(["window", "count", "p50", "p95", "p99"], rows, [1, 2, 3, 4]);
  tableEl.querySelectorAll("tbody tr").forEach((tr, i) => tr.setAttribute("data-window", windows[i]![0]));
  const note = thresholds
    ? h("p", {
        class: "note",
        text: `thresholds: good ≤ ${formatDuration(thresholds.good)}, acceptable ≤ ${formatDuration(thresholds.acceptable)}, poor above ${formatDuration(thresholds.poor)}`,
      })
    : null;
  return [h("div", { class: "chart" }, graph), tableEl, ...(note ? [note] : [])];
}

function averageDurations(w: Of<"average-durations">, ctx: RenderContext) {
  const entries = Object.entries(w.data);
  if (entries.length === 0)
    return card(w.id, w.title, h("p", { class: "note", text: "no traces in this window" }));
  const graph = canvas("average duration per trace type");
  queueMicrotask(() =>
    ctx.charts.push(
      durationChart(
        graph,
        entries.map(([t]) => t),
        [{ label: "average", colour: COLOURS.p50, values: entries.map(([, v]) => v) }],
      ),
    ),
  );
  const rows = entries.map(([type, v]) => [td(type), num(formatDuration(v), "average")]);
  const el = card(w.id, w.title, h("div", { class: "chart" }, graph), table(["type", "average"], rows, [1]));
  el.querySelectorAll("tbody tr").forEach((tr, i) => tr.setAttribute("data-type", entries[i]![0]));
  return el;
}

function cpuGauge(w: Of<"cpu-gauge">, ctx: RenderContext) {
  if (w.value === null) return card(w.id, w.title, h("p", { class: "value", text: "no agent reporting" }));
  const graph = canvas(`mean CPU of reporting hosts: ${formatPercent(w.value)}`);
  queueMicrotask(() => ctx.charts.push(gaugeChart(graph, w.value!)));
  return card(
    w.id,
    w.title,
    h("div", { class: "gauge" }, graph),
    h("p", { class: "value", text: formatPercent(w.value) }),
    h("p", { class: "note", text: "mean of the hosts whose agents report" }),
  );
}

function durationsByType(w: Of<"durations-by-type">, ctx: RenderContext) {
  const types = [
    ...new Set(Object.values(w.data.windows).flatMap((byType) => Object.keys(byType))),
  ] as TraceType[];
  const el = card(
    w.id,
    w.title,
    types.length === 0 ? h("p", { class: "note", text: "no traces in the last 7 days" }) : null,
  );
  el.classList.add("wide");
  for (const type of types) {
    const windows = (Object.keys(w.data.windows) as Array<keyof typeof w.data.windows>).map(
      (win) => [win, w.data.windows[win][type]] as [string, Summary | undefined],
    );
    el.append(
      h(
        "section",
        { "data-type": type },
        h("h3", { text: type }),
        ...percentileBlock(ctx.charts, type, windows, w.data.thresholds[type]),
      ),
    );
  }
  return el;
}

type NameRow = Of<"trace-names">["data"][number];
const SORTS = { count: "count", p95: "p95_duration", slow: "slow_count" } as const;
/** Survives refreshes: the table keeps the admin's sort and filter. */
const nameTableState: { sort: keyof typeof SORTS; type: string } = { sort: "count", type: "" };

function traceNames(w: Of<"trace-names">, ctx: RenderContext) {
  const el = card(w.id, w.title);
  el.classList.add("wide");
  const body = h("div");
  const types = [...new Set(w.data.map((r) => r.trace_type))];
  const filter = h(
    "select",
    { "aria-label": "filter by type" },
    h("option", { value: "", text: "all types" }),
    ...types.map((t) => h("option", { value: t, text: t })),
  );
  filter.value = nameTableState.type;
  const draw = () => {
    const key = SORTS[nameTableState.sort];
    const rows = w.data
      .filter((r) => !nameTableState.type || r.trace_type === nameTableState.type)
      .sort((a: NameRow, b: NameRow) => (b[key] ?? -1) - (a[key] ?? -1));
    const sortButton = (label: string, sort: keyof typeof SORTS) => {
      const b = h("button", {
        type: "button",
        "aria-pressed": String(nameTableState.sort === sort),
        text: label + (nameTableState.sort === sort ? " ▼" : ""),
      });
      b.addEventListener("click", () => {
        nameTableState.sort = sort;
        draw();
        body.querySelector<HTMLButtonElement>(`th button[aria-pressed="true"]`)?.focus();
      });
      return b;
    };
    const trs = rows.map((r) => {
      const open = h("button", { type: "button", class: "link", text: r.name });
      open.addEventListener("click", () => ctx.openName(r.trace_type, r.name));
      return [
        h("td", {}, open),
        td(r.trace_type),
        num(formatCount(r.count), "count"),
        num(formatDuration(r.p95_duration), "p95"),
        num(formatCount(r.slow_count), "slow"),
        td(formatTime(r.last_seen)),
      ];
    });
    const t = table(
      [
        "name",
        "type",
        sortButton("count", "count"),
        sortButton("p95", "p95"),
        sortButton("slow", "slow"),
        "last seen",
      ],
      trs,
      [2, 3, 4],
    );
    t.querySelectorAll("tbody tr").forEach((tr, i) => {
      tr.setAttribute("data-type", rows[i]!.trace_type);
      tr.setAttribute("data-name", rows[i]!.name);
    });
    body.replaceChildren(rows.length ? t : h("p", { class: "note", text: "no names recorded" }));
  };
  filter.addEventListener("change", () => {
    nameTableState.type = filter.value;
    draw();
  });
  draw();
  el.append(h("div", { class: "row" }, h("label", {}, "type", filter)), body);
  return el;
}

function slowOperations(w: Of<"slow-operations">) {
  const items = w.data.map((op) =>
    h(
      "li",
      {},
      h("strong", {
        text: `${formatTime(op.timestamp)} · ${op.type} · ${formatDuration(op.context.duration)}`,
      }),
      h("br"),
      op.message,
      Object.keys(op.context.attributes).length
        ? h("div", {
            class: "note",
            text: Object.entries(op.context.attributes)
              .map(([k, v]) => `${k}=${v}`)
              .join(", "),
          })
        : null,
    ),
  );
  return card(
    w.id,
    w.title,
    items.length
      ? h("ul", { class: "plain" }, ...items)
      : h("p", { class: "note", text: "no slow operations" }),
  );
}

function hosts(w: Of<"hosts">) {
  if (w.data.length === 0)
    return card(w.id, w.title, h("p", { class: "note", text: "no host has reported" }));
  const rows = w.data.map((r) => [
    td(r.host_id),
    num(formatPercent(r.cpu_percent), "cpu"),
    num(formatPercent(r.memory_percent), "memory"),
    num(formatPercent(r.disk_percent), "disk"),
    td(formatTime(r.last_seen)),
    td(r.silent ? "silent" : "reporting", r.silent ? { class: "silent" } : {}),
  ]);
  return card(
    w.id,
    w.title,
    table(["host", "CPU", "memory", "disk", "last seen", "status"], rows, [1, 2, 3]),
  );
}

function health(w: Of<"health">) {
  return card(
    w.id,
    w.title,
    h("p", { class: "value" }, h("span", { class: `badge ${w.value}`, text: w.value })),
    w.data.issues.length
      ? h("ul", {}, ...w.data.issues.map((i) => h("li", { text: i })))
      : h("p", { class: "note", text: "no issues" }),
    h("p", { class: "note", text: `evaluated ${formatTime(w.data.timestamp)}` }),
  );
}

function alertItem(a: AlertView) {
  const times = [
    `started ${formatTime(a.started_at)}`,
    a.fired_at && `fired ${formatTime(a.fired_at)}`,
    a.resolved_at && `resolved ${formatTime(a.resolved_at)}`,
  ]
    .filter(Boolean)
    .join(", ");
  return h(
    "li",
    {},
    h("span", { class: `badge ${a.status}`, text: a.status }),
    ` ${a.severity}: ${a.message}`,
    h("div", { class: "note", text: times }),
  );
}

function alerts(w: Of<"alerts">) {
  const open = w.data.filter((a) => a.status !== "resolved");
  const history = w.data.filter((a) => a.status === "resolved");
  const list = (items: AlertView[], none: string) =>
    items.length
      ? h("ul", { class: "plain" }, ...items.map(alertItem))
      : h("p", { class: "note", text: none });
  return card(
    w.id,
    w.title,
    h("h3", { text: `open (${open.length})` }),
    list(open, "no open alerts"),
    h("h3", { text: "history" }),
    list(history, "no resolved alerts"),
  );
}

/** A form of number inputs; only the settings an admin changed are sent. */
function settingsForm(
  fields: Array<{ key: string; label: string; value: number; step: string }>,
  save: (changed: Map<string, number>) => Promise<void>,
) {
  const form = h("form");
  const message = h("p", { class: "note", role: "status" });
  const inputs = fields.map((f) => {
    const input = h("input", {
      type: "number",
      name: f.key,
      value: String(f.value),
      step: f.step,
      min: "0",
      required: true,
    });
    return { f, input, label: h("label", {}, f.label, input) };
  });
  form.append(
    h("div", { class: "row" }, ...inputs.map((i) => i.label)),
    h("button", { type: "submit", text: "Save" }),
    message,
  );
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    const changed = new Map(
      inputs
        .filter(({ f, input }) => Number(input.value) !== f.value)
        .map(({ f, input }) => [f.key, Number(input.value)]),
    );
    if (changed.size === 0) {
      message.textContent = "nothing changed";
      return;
    }
    message.textContent = "saving…";
    save(changed).then(
      () => (message.textContent = "saved"),
      (err: Error) => (message.textContent = `not saved: ${err.message}`),
    );
  });
  return form;
}

function thresholds(w: Of<"thresholds">, ctx: RenderContext) {
  const levels = ["good", "acceptable", "poor"] as const;
  const fields = Object.entries(w.data).flatMap(([type, t]) =>
    levels.map((l) => ({ key: `${type}.${l}`, label: `${type} ${l} (s)`, value: t[l], step: "any" })),
  );
  const form = settingsForm(fields, (changed) => {
    const types = new Set([...changed.keys()].map((k) => k.split(".")[0]!));
    const update = Object.fromEntries(
      [...types].map((type) => [
        type,
        Object.fromEntries(
          levels.map((l) => [l, changed.get(`${type}.${l}`) ?? w.data[type as TraceType]![l]]),
        ) as unknown as ThresholdLines,
      ]),
    );
    return ctx.saveThresholds(update);
  });
  const el = card(
    w.id,
    w.title,
    h("p", { class: "note", text: "seconds; a trace above poor is a slow operation" }),
    form,
  );
  el.classList.add("wide");
  return el;
}

function healthSettings(w: Of<"health-settings">, ctx: RenderContext) {
  const fields = Object.entries(w.data).flatMap(([key, v]) =>
    typeof v === "number"
      ? [{ key, label: key.replaceAll("_", " "), value: v, step: "any" }]
      : Object.entries(v).map(([level, n]) => ({
          key: `${key}.${level}`,
          label: `${key.replaceAll("_", " ")} ${level}`,
          value: n,
          step: "any",
        })),
  );
  const form = settingsForm(fields, (changed) => {
    const config: Record<string, unknown> = {};
    for (const key of new Set([...changed.keys()].map((k) => k.split(".")[0]!))) {
      const current = (w.data as Record<string, unknown>)[key];
      config[key] =
        typeof current === "number"
          ? changed.get(key)
          : Object.fromEntries(
              Object.entries(current as Record<string, number>).map(([level, n]) => [
                level,
                changed.get(`${key}.${level}`) ?? n,
              ]),
            );
    }
    return ctx.saveHealthSettings(config);
  });
  const el = card(w.id, w.title, form);
  el.classList.add("wide");
  return el;
}

/** Each widget id's renderer; a widget the API adds without one here fails the typecheck. */
const RENDERERS: { [I in DashboardWidget["id"]]: (w: Of<I>, ctx: RenderContext) => HTMLElement } = {
  "total-traces": metric,
  "active-traces": metric,
  "abandoned-traces": metric,
  "slow-operations-count": metric,
  "average-durations": averageDurations,
  "cpu-gauge": cpuGauge,
  "durations-by-type": durationsByType,
  "trace-names": traceNames,
  "slow-operations": slowOperations,
  hosts,
  health,
  alerts,
  thresholds,
  "health-settings": healthSettings,
};

export function renderWidget(w: DashboardWidget, ctx: RenderContext): HTMLElement {
  // TypeScript cannot pair a union's member with its own renderer: RENDERERS' type does.
  return (RENDERERS[w.id] as (w: DashboardWidget, ctx: RenderContext) => HTMLElement)(w, ctx);
}
