/**
 * What the emulators do not deliver on these machines, started beside them by `npm start` and
 * `npm test`: Firestore trigger events from our local server (the relay; the official emulator
 * delivers its own) and scheduled-function runs (the ticker, always: the Functions emulator never runs
 * v2 scheduled functions by itself).
 */
import { HOST, PORTS, PROJECT_ID } from "../config";
import type { FirestoreChoice } from "../firestore-provider";
import { startScheduleTicker } from "../schedules/schedule-ticker";
import { startTriggerRelay, type TriggerRelay } from "./trigger-relay";

export interface LocalDelivery {
  /** the schedule control endpoint, e.g. http://127.0.0.1:4410 */
  schedulesUrl: string;
  /** the relay, where our local Firestore runs (benchmarks count its deliveries) */
  relay: TriggerRelay | undefined;
  close(): Promise<void>;
}

export async function startLocalDelivery(firestore: FirestoreChoice): Promise<LocalDelivery> {
  const functionsOrigin = `http://${HOST}:${PORTS.functions}`;
  const relay =
    firestore.kind === "local"
      ? startTriggerRelay({ firestore: firestore.server, functionsOrigin, projectId: PROJECT_ID })
      : undefined;
  const schedules = await startScheduleTicker({
    functionsOrigin,
    projectId: PROJECT_ID,
    host: HOST,
    port: PORTS.schedules,
  }).catch(async (err: unknown) => {
    await relay?.close();
    throw err;
  });
  return {
    schedulesUrl: schedules.url,
    relay,
    close: async () => {
      await Promise.all([relay?.close(), schedules.close()]);
    },
  };
}
