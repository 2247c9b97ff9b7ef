/** Loopback HTTP servers for the middleware and fetch tests. */
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";

export interface Listening {
  origin: string;
  close(): Promise<void>;
}

export function listen(server: Server): Promise<Listening> {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as AddressInfo;
      resolve({
        origin: `http://127.0.0.1:${port}`,
        close: () =>
          new Promise<void>((done) => {
            server.closeAllConnections();
            server.close(() => done());
          }),
      });
    });
  });
}
