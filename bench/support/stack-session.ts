/**
 * The local stack with a signed-in recorder and an admin client, as the end-to-end benchmarks use it:
 * started, handed to the benchmark, and always stopped (clients closed first) however it ends.
 */
import { HOST, PORTS, PROJECT_ID } from "../../dev/stack/config";
import { startStack, type Stack } from "../../dev/stack/stack";
import { adminClient, signedInClient, type Client } from "../../test/support/client";
import type { RunningEmulators } from "../../test/support/emulators";

export interface StackSession {
  stack: Stack;
  /** an anonymous user, for the recording callables */
  recorder: Client;
  /** a user with the admin claim, for reads and jobs */
  admin: Client;
}

/** The project and Auth emulator the clients talk to; set before the stack starts. */
function pointClientsAtEmulators(): void {
  process.env.GCLOUD_PROJECT = PROJECT_ID;
  process.env.FIREBASE_AUTH_EMULATOR_HOST = `${HOST}:${PORTS.auth}`;
}

export async function withStackSession<T>(run: (session: StackSession) => Promise<T>): Promise<T> {
  pointClientsAtEmulators();
  const stack = await startStack();
  try {
    if (!(await stack.ready)) throw new Error("the emulators did not start");
    const emulators: RunningEmulators = {
      auth: { host: HOST, port: PORTS.auth },
      functions: { host: HOST, port: PORTS.functions },
    };
    const [recorder, admin] = await Promise.all([signedInClient(emulators), adminClient(emulators)]);
    try {
      return await run({ stack, recorder, admin });
    } finally {
      await Promise.all([recorder.close(), admin.close()]);
    }
  } finally {
    await stack.stop();
  }
}
