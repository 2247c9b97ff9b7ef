/** How the dashboard writes numbers: always with their unit. The browser tests format expected values with these too. */

/** Seconds (the API's unit) as ms below one second, else s. */
export function formatDuration(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined) return "–";
  if (seconds < 1) return `${(seconds * 1000).toFixed(seconds < 0.01 ? 2 : 1)} ms`;
  return `${seconds.toFixed(seconds < 10 ? 2 : 1)} s`;
}

export function formatPercent(percent: number | null | undefined): string {
  return percent === null || percent === undefined ? "–" : `${percent.toFixed(1)} %`;
}

export function formatCount(count: number): string {
  return count.toLocaleString("en-US");
}

/** An ISO time as local time, with the date when it is not today. */
export function formatTime(iso: string, now = new Date()): string {
  const t = new Date(iso);
  const sameDay = t.toDateString() === now.toDateString();
  return sameDay ? t.toLocaleTimeString("en-GB") : t.toLocaleString("en-GB");
}
