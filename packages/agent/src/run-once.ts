/** --once: one sample, one push attempt, an exit code that says whether it was stored. */
import { setTimeout as delay } from "node:timers/promises";
import type { Collector } from "./collector";
import { EXIT } from "./exit-codes";
import type { Transport } from "./http-transport";
import type { Log } from "./log";
import { messages } from "./messages";
import { pushBody } from "./push-body";
import { invalidNumberPath } from "./sample-check";

/** CPU percent and network rates of a single sample are measured over this window. */
export const ONCE_WINDOW_MS = 1_000;

export async function runOnce(
  collector: Collector,
  send: Transport,
  hostId: string,
  version: string,
  log: Log,
): Promise<number> {
  await delay(ONCE_WINDOW_MS);
  const sample = await collector.collect();
  const invalid = invalidNumberPath(sample);
  if (invalid !== undefined) {
    log("error", messages.sampleInvalid(invalid, 1));
    return EXIT.failed;
  }
  const body = pushBody(hostId, { version, dropped_samples: 0, buffered: 1 }, [
    { sampleId: sample.sample_id, json: JSON.stringify(sample) },
  ]);
  const outcome = await send(body, new AbortController().signal);
  switch (outcome.kind) {
    case "stored":
      log("info", messages.pushed(1, outcome.accepted, outcome.duplicates, 0));
      return EXIT.ok;
    case "unauthorized":
      log("error", messages.keyRejected(outcome.status, outcome.reason));
      return EXIT.keyRejected;
    default:
      log("error", messages.pushNotRetried(outcome.reason));
      return EXIT.failed;
  }
}
