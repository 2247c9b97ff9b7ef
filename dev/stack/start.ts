/**
 * `npm start`: the local stack. A Firestore (the official emulator where this machine has one, else
 * our in-memory server), the Functions and Auth emulators with the built functions, the trigger relay and
 * schedule ticker, and the URLs to use. Ctrl-C stops everything.
 */
import { HOST, PORTS, PROJECT_ID, urls } from "./config";
import { startStack } from "./stack";

async function main(): Promise<number> {
  const stack = await startStack();
  let stopping = false;
  const stop = () => {
    stopping = true;
    void stack.stop();
  };
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);

  if (await stack.ready) {
    console.log(
      [
        "",
        "aideon-perf local stack is up",
        `  project id        ${PROJECT_ID}`,
        `  callables         ${urls.functions}/{startTrace,stopTrace,addMetric,recordTraces,getStats,...}`,
        `  rest api          ${urls.restApi}/stats ... (described at ${urls.restApi}/openapi.json)`,
        `  dashboard         ${urls.dashboard} (admins: email/password users with the admin claim)`,
        `  agent endpoint    ${urls.functions}/ingestHostMetrics`,
        `  auth emulator     ${urls.auth}`,
        `  firestore         ${stack.firestore.address}: ${stack.firestore.description}`,
        `  emulator hub      http://${HOST}:${PORTS.hub}`,
        `  schedules         ${stack.delivery.schedulesUrl}/schedules (POST /schedules/{name}/run runs one now)`,
        "  connect clients with connectFunctionsEmulator(functions, '127.0.0.1', 5001) and",
        "  connectAuthEmulator(auth, 'http://127.0.0.1:9099'); Ctrl-C stops everything.",
        "",
      ].join("\n"),
    );
  }
  // Runs until Ctrl-C (or the emulators exit on their own), then tears everything down.
  await stack.exited;
  const code = await stack.stop();
  return stopping ? 0 : code;
}

main().then(
  (code) => process.exit(code),
  (e) => {
    console.error(e);
    process.exit(1);
  },
);
