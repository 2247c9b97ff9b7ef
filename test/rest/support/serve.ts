/** Serves a handler on a real Node http server on a free port, wrapped by firebase-functions' onRequest. */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { onRequest } from "firebase-functions/https";
import type { ApiHandler } from "../../../functions/src/rest/handler";

export interface Served {
  /** e.g. http://127.0.0.1:54321 */
  origin: string;
  close(): Promise<void>;
}

export async function serve(handler: ApiHandler | ReturnType<typeof onRequest>): Promise<Served> {
  const fn = "__endpoint" in handler ? handler : onRequest((req, res) => handler(req, res));
  const server: Server = createServer((req, res) => {
    void (fn as unknown as (q: typeof req, s: typeof res) => Promise<void>)(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
