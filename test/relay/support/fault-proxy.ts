/**
 * A pass-through HTTP proxy in front of the Functions emulator that can misbehave once on demand, to
 * show how the relay copes: a 404 for a stale key, a connection dropped after the function ran, a
 * spell of refused connections (an emulator restart).
 */
import http from "node:http";
import type { AddressInfo } from "node:net";

export type Fault =
  /** answer 404 like the emulator does for an unknown key, without forwarding */
  | { kind: "unknown-key" }
  /** forward, let the function finish, then drop the connection instead of answering */
  | { kind: "drop-after-forwarding" };

export interface FaultProxy {
  origin: string;
  /** The next trigger POST whose key starts with `keyPrefix` meets `fault`. */
  failNext(keyPrefix: string, fault: Fault): void;
  /** Drops every connection for `ms`, as an emulator that is not there. */
  dropAllFor(ms: number): void;
  /** requests seen per method and path kind, e.g. "GET /backends" */
  counts: Map<string, number>;
  close(): Promise<void>;
}

const TRIGGER_PATH = /^\/functions\/projects\/[^/]+\/triggers\/([^/?]+)/;

export async function startFaultProxy(target: string): Promise<FaultProxy> {
  const upstream = new URL(target);
  const faults: Array<{ keyPrefix: string; fault: Fault }> = [];
  const counts = new Map<string, number>();
  let droppingUntil = 0;

  const server = http.createServer((req, res) => {
    if (Date.now() < droppingUntil) return req.socket.destroy();
    const key = decodeURIComponent(TRIGGER_PATH.exec(req.url ?? "")?.[1] ?? "");
    const label = `${req.method} ${key ? "trigger" : (req.url ?? "").split("?")[0]}`;
    counts.set(label, (counts.get(label) ?? 0) + 1);
    const index = key ? faults.findIndex((f) => key.startsWith(f.keyPrefix)) : -1;
    const fault = index >= 0 ? faults.splice(index, 1)[0]!.fault : undefined;
    if (fault?.kind === "unknown-key") {
      req.resume();
      return res
        .writeHead(404)
        .end(`Function ${key} does not exist, valid functions are: (injected by the test proxy)`);
    }
    const forward = http.request(
      {
        host: upstream.hostname,
        port: upstream.port,
        method: req.method,
        path: req.url,
        headers: req.headers,
      },
      (answer) => {
        if (fault?.kind === "drop-after-forwarding") {
          answer.resume();
          answer.on("end", () => req.socket.destroy());
          return;
        }
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    forward.on("error", () => req.socket.destroy());
    req.pipe(forward);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    failNext: (keyPrefix, fault) => void faults.push({ keyPrefix, fault }),
    dropAllFor: (ms) => void (droppingUntil = Date.now() + ms),
    counts,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
