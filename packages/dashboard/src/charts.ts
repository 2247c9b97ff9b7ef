/** Chart.js, registered piece by piece so that the bundle carries only the charts the dashboard draws. */
import * as chartjs from "chart.js";
import { Chart, type ChartDataset } from "chart.js";
import { formatDuration } from "./format";

Chart.register(
  chartjs.ArcElement,
  chartjs.BarController,
  chartjs.BarElement,
  chartjs.CategoryScale,
  chartjs.DoughnutController,
  chartjs.Legend,
  chartjs.LinearScale,
  chartjs.LineController,
  chartjs.LineElement,
  chartjs.PointElement,
  chartjs.Tooltip,
);
Chart.defaults.color = "#1a1a1a";
Chart.defaults.animation = false;
Chart.defaults.maintainAspectRatio = false;

/** At least 3:1 against white (WCAG 1.4.11), and told apart by the legend and dashes, not by colour alone. */
export const COLOURS = {
  p50: "#1f5fbf",
  p95: "#b35900",
  p99: "#6b3fa0",
  good: "#1b6e35",
  acceptable: "#7a5400",
  poor: "#a3231b",
  rest: "#c9ccd1",
};

const durationAxis = {
  beginAtZero: true,
  ticks: { callback: (v: string | number) => formatDuration(Number(v)) },
};

export interface ThresholdLines {
  good: number;
  acceptable: number;
  poor: number;
}

/** Bars of durations in seconds per label, with a type's thresholds drawn as dashed lines across. */
export function durationChart(
  canvas: HTMLCanvasElement,
  labels: string[],
  bars: Array<{ label: string; colour: string; values: Array<number | null> }>,
  thresholds?: ThresholdLines,
): Chart {
  const datasets: ChartDataset<"bar" | "line", Array<number | null>>[] = bars.map((b) => ({
    type: "bar",
    label: b.label,
    data: b.values,
    backgroundColor: b.colour,
  }));
  if (thresholds) {
    for (const level of ["good", "acceptable", "poor"] as const) {
      datasets.push({
        type: "line",
        label: `${level} ≤ ${formatDuration(thresholds[level])}`,
        data: labels.map(() => thresholds[level]),
        borderColor: COLOURS[level],
        backgroundColor: COLOURS[level],
        borderDash: level === "good" ? [2, 3] : level === "acceptable" ? [6, 4] : [10, 3],
        pointRadius: 0,
        borderWidth: 2,
      });
    }
  }
  return new Chart(canvas, {
    type: "bar",
    data: { labels, datasets },
    options: {
      scales: { y: durationAxis },
      plugins: {
        tooltip: { callbacks: { label: (c) => `${c.dataset.label}: ${formatDuration(c.parsed.y)}` } },
      },
    },
  });
}

/** A half-doughnut from 0 to 100 %. */
export function gaugeChart(canvas: HTMLCanvasElement, percent: number): Chart {
  return new Chart(canvas, {
    type: "doughnut",
    data: {
      labels: ["CPU", "idle"],
      datasets: [
        { data: [percent, 100 - percent], backgroundColor: [COLOURS.p50, COLOURS.rest], borderWidth: 0 },
      ],
    },
    options: {
      rotation: -90,
      circumference: 180,
      cutout: "65%",
      plugins: { legend: { display: false }, tooltip: { enabled: false } },
    },
  });
}
