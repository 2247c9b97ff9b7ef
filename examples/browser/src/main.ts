/**
 * The SDK in a page: anonymous sign-in against the Auth emulator, the Functions emulator for delivery,
 * fetch instrumented (same-origin requests carry a traceparent), and a few traced operations.
 */
import { initializeApp } from "firebase/app";
import { connectAuthEmulator, getAuth, signInAnonymously } from "firebase/auth";
import { connectFunctionsEmulator, getFunctions } from "firebase/functions";
import { initPerformance } from "@aideon-perf/sdk";

const status = document.getElementById("status") as HTMLPreElement;
const show = (text: string) => (status.textContent = text);

async function main(): Promise<void> {
  const app = initializeApp({
    projectId: "demo-aideon-perf",
    apiKey: "demo-api-key",
    appId: "demo-browser-example",
  });
  const auth = getAuth(app);
  connectAuthEmulator(auth, "http://127.0.0.1:9099", { disableWarnings: true });
  const functions = getFunctions(app);
  connectFunctionsEmulator(functions, "127.0.0.1", 5001);
  const { user } = await signInAnonymously(auth);

  const perf = initPerformance(app, {
    functions,
    flushIntervalMs: 3_000,
    onError: (e) => console.error("aideon-perf:", e),
  });
  perf.instrumentFetch();
  const report = () => show(`signed in as ${user.uid}\n\n${JSON.stringify(perf.stats(), null, 2)}`);

  const runDemo = () =>
    perf
      .trace("browser_demo", "CUSTOM_TRACE", async (trace) => {
        const page = await fetch("./index.html");
        trace.addMetric("page_bytes", (await page.text()).length).addAttribute("page", "index");
      })
      .finally(report);
  document.getElementById("run")!.addEventListener("click", () => void runDemo());
  document.getElementById("fail")!.addEventListener("click", () => {
    void perf
      .trace("browser_demo_failure", "CUSTOM_TRACE", async () => {
        throw new Error("failed on purpose");
      })
      .catch(() => undefined)
      .finally(report);
  });
  document.getElementById("flush")!.addEventListener("click", () => void perf.flush().then(report));
  setInterval(report, 1_000);
  await runDemo(); // once on load, so the page has something to send
}

main().catch((error: unknown) => show(`failed: ${String(error)}`));
