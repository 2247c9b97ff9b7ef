/**
 * The Hosting dashboard in headless Chromium: Hosting emulator (/dashboard/) -> Auth emulator sign-in ->
 * getDashboard through the Functions emulator, kept live by the Firestore listener. Values read off the
 * page are held to getStats and getTraceSummary, formatted as the page formats them.
 */
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { mkdirSync } from "node:fs";
import path from "node:path";
import { getAuth as getAdminAuth } from "firebase-admin/auth";
import type { Browser, Page } from "playwright-core";
import { formatCount, formatDuration } from "../../packages/dashboard/src/format";
import { MIN_GAP_MS, REFRESH_EVERY_MS } from "../../packages/dashboard/src/live";
import { adminClient, signedInClient, type Client } from "../support/client";
import { requireEmulators, type RunningEmulators } from "../support/emulators";
import { adminDb, clearFirestore, settleAggregation } from "../support/firestore";
import { waitFor } from "../support/wait";
import { launchChromium } from "./chromium";

const SCREENSHOTS = path.join(__dirname, "../../test-output/dashboard");
const PASSWORD = "dashboard-password";
const WIDTHS = { desktop: { width: 1280, height: 900 }, phone: { width: 390, height: 844 } };

interface StatsAnswer {
  stats: {
    total_traces: number;
    average_durations: Record<string, number>;
    system_metrics: { cpu: { percent: number | null } };
  };
}
interface SummaryAnswer {
  summary: {
    count: number;
    p50_duration: number | null;
    p95_duration: number | null;
    p99_duration: number | null;
  };
}

async function emailUser(admin: boolean): Promise<string> {
  adminDb();
  const email = `dash-${randomUUID()}@example.com`;
  const user = await getAdminAuth().createUser({ email, password: PASSWORD });
  if (admin) await getAdminAuth().setCustomUserClaims(user.uid, { admin: true });
  return email;
}

/** Traces that end now: start_time is clamped to the server clock, so recent times land in the last hour. */
function traces(
  spec: Array<{ name: string; trace_type: string; duration: number; attributes?: Record<string, string> }>,
) {
  const now = Date.now();
  return spec.map((t) => ({ ...t, start_time: new Date(now - t.duration * 1000).toISOString() }));
}

/** As a switch to another tab would (a string: tsx's helpers do not exist in the page). */
const setHidden = (page: Page, hidden: boolean) =>
  page.evaluate(
    `Object.defineProperty(document, "hidden", { configurable: true, get: () => ${hidden} }); document.dispatchEvent(new Event("visibilitychange"));`,
  );

const text = (page: Page, selector: string) => page.locator(selector).first().innerText();

describe("dashboard in headless Chromium (Hosting emulator /dashboard/)", function () {
  this.timeout(180_000);
  let emulators: RunningEmulators;
  let browser: Browser;
  let admin: Client;
  let recorder: Client;
  let page: Page;
  const consoleErrors: string[] = [];
  const calls: Array<{ name: string; at: number }> = [];

  const dashboardUrl = () => `http://${emulators.hosting!.host}:${emulators.hosting!.port}/dashboard/`;

  async function openSignedIn(email: string): Promise<Page> {
    const p = await browser.newPage({ viewport: WIDTHS.desktop });
    p.on("console", (m) => m.type() === "error" && consoleErrors.push(m.text()));
    p.on("pageerror", (e) => consoleErrors.push(e.message));
    p.on("request", (r) => {
      const m = /:\d+\/[^/]+\/[^/]+\/(\w+)$/.exec(r.url());
      if (r.method() === "POST" && m && r.url().includes(`:${emulators.functions!.port}/`))
        calls.push({ name: m[1]!, at: Date.now() });
    });
    await p.goto(dashboardUrl());
    await p.fill('input[name="email"]', email);
    await p.fill('input[name="password"]', PASSWORD);
    await p.keyboard.press("Enter"); // submits from the keyboard
    return p;
  }

  const record = (batch: ReturnType<typeof traces>) =>
    recorder.call("recordTraces", { batch_id: randomUUID(), traces: batch });

  before(async function () {
    emulators = await requireEmulators(this, "functions", "auth", "hosting", "firestore");
    browser = await launchChromium();
    [admin, recorder] = await Promise.all([adminClient(emulators), signedInClient(emulators)]);
    await settleAggregation();
    await clearFirestore();
    mkdirSync(SCREENSHOTS, { recursive: true });
  });
  after(async () => {
    await browser?.close();
    await Promise.all([admin, recorder].filter(Boolean).map((c) => c.close()));
  });
  afterEach(() => assert.deepEqual(consoleErrors.splice(0), [], "no console errors"));

  it("refuses a signed-in user without the admin claim and shows no widget", async () => {
    const p = await openSignedIn(await emailUser(false));
    await p.locator('[data-widget="access-refused"]').waitFor({ state: "visible" });
    assert.match(await text(p, '[data-widget="access-refused"]'), /is not an admin/);
    assert.equal(await p.locator("#dashboard [data-widget]").count(), 0);
    assert.equal(calls.length, 0, "a non-admin's page calls nothing");
    await p.close();
  });

  it("shows the widgets with getStats' and getTraceSummary's values, at 1280 px and 390 px", async () => {
    await record(
      traces([
        { name: "GET /api/items", trace_type: "HTTP_REQUEST", duration: 0.12 },
        { name: "GET /api/items", trace_type: "HTTP_REQUEST", duration: 0.34 },
        { name: "GET /api/users", trace_type: "HTTP_REQUEST", duration: 1.5 },
        { name: "db.query users", trace_type: "DATABASE_QUERY", duration: 0.02 },
        {
          name: "db.query users",
          trace_type: "DATABASE_QUERY",
          duration: 2.5,
          attributes: { table: "users" },
        },
      ]),
    );
    await settleAggregation();
    const loadStart = Date.now();
    page = await openSignedIn(await emailUser(true));
    await page.locator('[data-widget="total-traces"]').waitFor();
    await page.locator('[data-widget="durations-by-type"] canvas').first().waitFor();

    const { stats } = await admin.call<StatsAnswer>("getStats", {});
    assert.equal(stats.total_traces, 5);
    assert.equal(await text(page, '[data-widget="total-traces"] .value'), formatCount(stats.total_traces));
    for (const [type, average] of Object.entries(stats.average_durations)) {
      assert.equal(
        await text(page, `[data-widget="average-durations"] tr[data-type="${type}"] [data-field="average"]`),
        formatDuration(average),
        type,
      );
    }
    assert.equal(stats.system_metrics.cpu.percent, null);
    assert.equal(await text(page, '[data-widget="cpu-gauge"] .value'), "no agent reporting");
    for (const type of ["HTTP_REQUEST", "DATABASE_QUERY"]) {
      for (const window of ["hour", "24h", "7d"]) {
        const { summary } = await admin.call<SummaryAnswer>("getTraceSummary", { trace_type: type, window });
        const row = `[data-widget="durations-by-type"] [data-type="${type}"] tr[data-window="${window}"]`;
        assert.equal(
          await text(page, `${row} [data-field="count"]`),
          formatCount(summary.count),
          `${type} ${window} count`,
        );
        for (const p of ["p50", "p95", "p99"] as const) {
          assert.equal(
            await text(page, `${row} [data-field="${p}"]`),
            formatDuration(summary[`${p}_duration`]),
            `${type} ${window} ${p}`,
          );
        }
      }
    }
    assert.equal(await text(page, '[data-widget="slow-operations-count"] .value'), "1");
    assert.match(
      await text(page, '[data-widget="slow-operations"]'),
      /DATABASE_QUERY · 2\.50 s[\s\S]*table=users/,
    );
    assert.match(await text(page, '[data-widget="health"]'), /healthy|warning|critical/);

    const atLoad = calls.filter((c) => c.at >= loadStart).map((c) => c.name);
    assert.deepEqual(
      atLoad.filter((n) => n === "getDashboard"),
      ["getDashboard"],
      "a page load is one getDashboard call",
    );
  });

  it("shows a trace recorded while the page is open within 5 s, without a reload", async () => {
    const before = Number((await text(page, '[data-widget="total-traces"] .value')).replaceAll(",", ""));
    const recordedAt = Date.now();
    await record(traces([{ name: "GET /api/live", trace_type: "HTTP_REQUEST", duration: 0.05 }]));
    await page.waitForFunction(
      (expected) => document.querySelector('[data-widget="total-traces"] .value')?.textContent === expected,
      formatCount(before + 1),
      { timeout: 5_000 },
    );
    const shownAfter = Date.now() - recordedAt;
    console.log(`    (the new trace showed ${shownAfter} ms after recordTraces was called)`);
    assert.ok(shownAfter <= 5_000);
  });

  it("lists the names once their minute is folded, sortable, each opening its detail from the keyboard", async () => {
    // The name registry is written by the fold of a closed minute (foldAggregates, every minute); the
    // fold closes the open shards, which the page's listener sees.
    await waitFor(
      async () =>
        (await adminDb().collection("perf_agg_shards").where("state", "==", "open").count().get()).data()
          .count,
      (n) => n === 0,
      150_000,
      1_000,
    );
    const nameRow = '[data-widget="trace-names"] tr[data-type="HTTP_REQUEST"][data-name="GET /api/items"]';
    await page.locator(nameRow).waitFor({ timeout: 10_000 });
    const items = (
      await admin.call<SummaryAnswer>("getTraceSummary", {
        trace_type: "HTTP_REQUEST",
        name: "GET /api/items",
      })
    ).summary;
    assert.equal(await text(page, `${nameRow} [data-field="count"]`), formatCount(items.count));
    assert.equal(await text(page, `${nameRow} [data-field="p95"]`), formatDuration(items.p95_duration));

    // Keyboard: the name opens its detail from the keyboard; the detail's numbers are getTraceSummary's.
    await page.locator(`${nameRow} button`).focus();
    await page.keyboard.press("Enter");
    const detail = '[data-widget="name-detail"][data-name="GET /api/items"]';
    await page.locator(`${detail} tr[data-window="all"] [data-field="p95"]`).waitFor();
    assert.equal(
      await text(page, `${detail} tr[data-window="all"] [data-field="p95"]`),
      formatDuration(items.p95_duration),
    );
    assert.equal(
      await page.evaluate(() => document.activeElement?.id),
      "w-name-detail",
      "focus moves to the detail",
    );

    // Sorting by p95 puts the name with the highest p95 first.
    const names = [
      ["HTTP_REQUEST", "GET /api/items"],
      ["HTTP_REQUEST", "GET /api/users"],
      ["HTTP_REQUEST", "GET /api/live"],
      ["DATABASE_QUERY", "db.query users"],
    ];
    const p95s = await Promise.all(
      names.map(
        async ([trace_type, name]) =>
          [
            name,
            (await admin.call<SummaryAnswer>("getTraceSummary", { trace_type, name })).summary.p95_duration ??
              0,
          ] as const,
      ),
    );
    const slowest = [...p95s].sort((a, b) => b[1] - a[1])[0]![0];
    await page.locator('[data-widget="trace-names"] th button', { hasText: "p95" }).click();
    assert.equal(
      await page.locator('[data-widget="trace-names"] tbody tr').first().getAttribute("data-name"),
      slowest,
    );

    await page.screenshot({ path: path.join(SCREENSHOTS, "dashboard-1280.png"), fullPage: true });
    await page.setViewportSize(WIDTHS.phone);
    await page.waitForTimeout(300);
    assert.ok(
      (await page.evaluate(() => document.documentElement.scrollWidth)) <= WIDTHS.phone.width,
      "no sideways scrolling at 390 px",
    );
    await page.screenshot({ path: path.join(SCREENSHOTS, "dashboard-390.png"), fullPage: true });
    await page.setViewportSize(WIDTHS.desktop);
  });

  it("detaches while hidden and costs one getDashboard a minute at rest", async () => {
    await page.waitForTimeout(MIN_GAP_MS + 1_000); // the fold's last shard changes have been refreshed for
    const restStart = Date.now();
    await page.waitForTimeout(REFRESH_EVERY_MS + 1_000);
    const atRest = calls.filter((c) => c.at >= restStart);
    console.log(
      `    (at rest for ${(REFRESH_EVERY_MS + 1_000) / 1000} s: ${atRest.length} callable invocations; ${await text(page, '[data-widget="page-cost"]')})`,
    );
    assert.deepEqual(
      atRest.map((c) => c.name),
      ["getDashboard"],
    );

    // Hidden: the listener is detached, so a new trace causes no call until the page is shown again.
    await setHidden(page, true);
    assert.match(await text(page, '[data-widget="last-updated"]'), /paused/);
    const hiddenAt = Date.now();
    await record(traces([{ name: "GET /api/hidden", trace_type: "HTTP_REQUEST", duration: 0.05 }]));
    await settleAggregation();
    await page.waitForTimeout(3_000);
    assert.deepEqual(
      calls.filter((c) => c.at >= hiddenAt),
      [],
      "nothing is called while hidden",
    );
    const before = Number((await text(page, '[data-widget="total-traces"] .value')).replaceAll(",", ""));
    await setHidden(page, false);
    await page.waitForFunction(
      (expected) => document.querySelector('[data-widget="total-traces"] .value')?.textContent === expected,
      formatCount(before + 1),
      { timeout: 5_000 },
    );
  });
});
