/**
 * /dashboard/: admins sign in with email and password, then see getDashboard's widgets, kept current by
 * live.ts. A signed-in user without the admin claim is told so and shown nothing else.
 */
import { onAuthStateChanged, signInWithEmailAndPassword, signOut, type User } from "firebase/auth";
import { collection, limit, onSnapshot, query, where } from "firebase/firestore";
import type { DashboardResponse, TraceType } from "@aideon-perf/core";
import { connectFirebase, type FirebaseConnection } from "./firebase";
import { card, h } from "./dom";
import { formatCount, formatTime } from "./format";
import { liveUpdates, MIN_GAP_MS, POLL_EVERY_MS, REFRESH_EVERY_MS, type LiveMode } from "./live";
import { nameDetail } from "./name-detail";
import { renderWidget, type RenderContext } from "./widgets";
import type { Chart } from "chart.js";

/** The change signal reads the open shards only: a handful per minute of traffic (README "Dashboard"). */
const OPEN_SHARDS_WATCHED = 200;

const el = {
  status: document.querySelector<HTMLElement>('[data-widget="last-updated"]')!,
  signIn: document.querySelector<HTMLFormElement>("#sign-in")!,
  signInError: document.querySelector<HTMLElement>("#sign-in-error")!,
  signOut: document.querySelector<HTMLButtonElement>("#sign-out")!,
  refused: document.querySelector<HTMLElement>('[data-widget="access-refused"]')!,
  dashboard: document.querySelector<HTMLElement>("#dashboard")!,
};

function show(view: "sign-in" | "refused" | "dashboard") {
  el.signIn.hidden = view !== "sign-in";
  el.refused.hidden = view !== "refused";
  el.dashboard.hidden = view !== "dashboard";
  el.signOut.hidden = view === "sign-in";
}

/** Renders the widgets, replacing only the cards whose data changed (keeps focus and half-typed settings). */
function dashboardView(fb: FirebaseConnection, refresh: () => Promise<void>) {
  const shown = new Map<string, { json: string; node: HTMLElement; charts: Chart[] }>();
  const detail = nameDetail(fb);
  const cost = card("page-cost", "This page's reads");
  cost.classList.add("wide");
  el.dashboard.replaceChildren(detail.node, cost);
  const context = (charts: Chart[]): RenderContext => ({
    charts,
    openName: (type: TraceType, name: string) => void detail.open(type, name),
    saveThresholds: async (thresholds) => {
      await fb.call("setThresholds", { thresholds });
      await refresh();
    },
    saveHealthSettings: async (config) => {
      await fb.call("setHealthConfig", { config });
      await refresh();
    },
  });
  return {
    render(res: DashboardResponse) {
      detail.setThresholds(res.widgets.find((w) => w.id === "durations-by-type"));
      for (const w of res.widgets) {
        const json = JSON.stringify(w);
        const old = shown.get(w.id);
        if (old?.json === json) continue;
        const charts: Chart[] = [];
        const node = renderWidget(w, context(charts));
        if (old) {
          old.charts.forEach((c) => c.destroy());
          old.node.replaceWith(node);
        } else el.dashboard.insertBefore(node, cost);
        shown.set(w.id, { json, node, charts });
      }
    },
    cost(calls: number, listened: number) {
      cost.replaceChildren(
        cost.firstChild!,
        h("p", {
          text: `${formatCount(calls)} getDashboard calls and ${formatCount(listened)} documents delivered to the change listener since this page loaded.`,
        }),
        h("p", {
          class: "note",
          text: `A call per change (at most one per ${MIN_GAP_MS / 1000} s), else one per ${REFRESH_EVERY_MS / 1000} s.`,
        }),
      );
    },
    close() {
      shown.forEach((s) => s.charts.forEach((c) => c.destroy()));
      shown.clear();
      detail.close();
      el.dashboard.replaceChildren();
    },
  };
}

function startDashboard(fb: FirebaseConnection) {
  let calls = 0;
  let listened = 0;
  let mode: LiveMode = "listening";
  let modeDetail: string | undefined;
  let updated: string | undefined;
  let failure: string | undefined;
  const status = () => {
    const how =
      mode === "listening"
        ? "live"
        : mode === "polling"
          ? `polling every ${POLL_EVERY_MS / 1000} s (change listener unavailable: ${modeDetail})`
          : "paused while the page is hidden";
    el.status.textContent = [
      updated ? `last updated ${formatTime(updated)}` : "loading…",
      how,
      failure && `refresh failed: ${failure}`,
    ]
      .filter(Boolean)
      .join(" · ");
  };
  const refresh = async () => {
    try {
      const res = await fb.call<DashboardResponse>("getDashboard", {});
      calls++;
      failure = undefined;
      updated = res.generated_at;
      view.render(res);
      el.dashboard.setAttribute("data-generated-at", res.generated_at);
    } catch (e) {
      failure = (e as Error).message;
    }
    view.cost(calls, listened);
    status();
  };
  const view = dashboardView(fb, refresh);
  const live = liveUpdates({
    refresh,
    watch: (onChange, onError) =>
      onSnapshot(
        query(
          collection(fb.firestore, "perf_agg_shards"),
          where("state", "==", "open"),
          limit(OPEN_SHARDS_WATCHED),
        ),
        (snap) => {
          listened += snap.docChanges().length;
          onChange();
        },
        onError,
      ),
    onMode: (m, d) => {
      mode = m;
      modeDetail = d;
      status();
    },
  });
  live.start();
  return () => {
    live.close();
    view.close();
  };
}

async function main() {
  const fb = await connectFirebase();
  let stop: (() => void) | undefined;
  el.signIn.addEventListener("submit", (e) => {
    e.preventDefault();
    const form = new FormData(el.signIn);
    el.signInError.textContent = "";
    signInWithEmailAndPassword(fb.auth, String(form.get("email")), String(form.get("password"))).catch(
      (err: Error) => {
        el.signInError.textContent = `Sign-in failed: ${err.message}`;
      },
    );
  });
  el.signOut.addEventListener("click", () => void signOut(fb.auth));
  onAuthStateChanged(fb.auth, (user: User | null) => {
    stop?.();
    stop = undefined;
    if (!user) {
      show("sign-in");
      el.status.textContent = "Not signed in";
      return;
    }
    void user.getIdTokenResult().then((token) => {
      if (token.claims.admin !== true) {
        show("refused");
        el.refused.textContent = `${user.email ?? "This account"} is not an admin. The dashboard is for accounts with the admin claim (npm run admin -- grant <email>); sign out and sign in as an admin.`;
        el.status.textContent = `Signed in as ${user.email ?? user.uid}`;
        return;
      }
      show("dashboard");
      stop = startDashboard(fb);
    });
  });
}

main().catch((e: Error) => {
  el.status.textContent = `The dashboard could not start: ${e.message}`;
});
