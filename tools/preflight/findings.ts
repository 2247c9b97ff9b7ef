/** One line of the preflight report: what was checked, how it went, and what to do about it. Pure. */

export type Status = "pass" | "warn" | "fail" | "skip";

export interface Finding {
  status: Status;
  /** The report section: "project", "functions (codebase …)", "hosting (site …)", "firestore (database …)", "project (online)". */
  area: string;
  message: string;
  /** What to do: required for fail, optional otherwise. */
  fix?: string;
}

export const pass = (area: string, message: string, fix?: string): Finding => ({
  status: "pass",
  area,
  message,
  fix,
});
export const warn = (area: string, message: string, fix?: string): Finding => ({
  status: "warn",
  area,
  message,
  fix,
});
export const fail = (area: string, message: string, fix: string): Finding => ({
  status: "fail",
  area,
  message,
  fix,
});
export const skip = (area: string, message: string, fix?: string): Finding => ({
  status: "skip",
  area,
  message,
  fix,
});

const MARK: Record<Status, string> = { pass: "ok  ", warn: "warn", fail: "FAIL", skip: "skip" };

/** The report as printed: findings grouped by area in first-seen order, then a one-line verdict. */
export function formatReport(title: string, findings: readonly Finding[]): string {
  const areas = [...new Set(findings.map((f) => f.area))];
  const lines = [title, ""];
  for (const area of areas) {
    lines.push(area);
    for (const f of findings.filter((x) => x.area === area)) {
      lines.push(`  ${MARK[f.status]}  ${f.message.replaceAll("\n", "\n        ")}`);
      if (f.fix) lines.push(`        -> ${f.fix}`);
    }
  }
  const count = (status: Status) => findings.filter((f) => f.status === status).length;
  lines.push(
    "",
    `${count("fail") === 0 ? "preflight passed" : "preflight FAILED"}: ${count("pass")} ok, ${count("warn")} warnings, ${count("fail")} failed, ${count("skip")} skipped`,
  );
  return lines.join("\n");
}

export const failed = (findings: readonly Finding[]): boolean => findings.some((f) => f.status === "fail");
