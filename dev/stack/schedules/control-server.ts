/**
 * The schedule ticker's local control endpoint: `GET /schedules` lists the scheduled functions with
 * their next run; `POST /schedules/{name}/run` runs one now and answers when it has finished.
 */
import http from "node:http";
import type { AddressInfo } from "node:net";

export interface ScheduleListing {
  name: string;
  id: string;
  schedule: string;
  timeZone: string;
  /** ISO time, or null when the function only runs on demand */
  nextRun: string | null;
  error?: string;
}

export interface RunResult {
  name: string;
  /** the HTTP status the function answered (200 ok, 500 it threw) */
  status: number;
  scheduleTime: string;
  durationMs: number;
}

export interface ScheduleControl {
  list(): Promise<ScheduleListing[]>;
  /** null for an unknown function */
  run(name: string): Promise<RunResult | null>;
}

export interface ControlServer {
  url: string;
  port: number;
  close(): Promise<void>;
}

const RUN_PATH = /^\/schedules\/([^/]+)\/run\/?$/;

function send(res: http.ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res
    .writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(text) })
    .end(text);
}

export async function startControlServer(
  control: ScheduleControl,
  host: string,
  port: number,
): Promise<ControlServer> {
  const server = http.createServer((req, res) => {
    const path = (req.url ?? "/").split("?")[0]!;
    const run = RUN_PATH.exec(path);
    const answer = async () => {
      if (req.method === "GET" && (path === "/schedules" || path === "/schedules/")) {
        return send(res, 200, { schedules: await control.list() });
      }
      if (req.method === "POST" && run) {
        const name = decodeURIComponent(run[1]!);
        const result = await control.run(name);
        return result
          ? send(res, 200, result)
          : send(res, 404, { error: `no scheduled function named ${name}` });
      }
      send(res, 404, { error: "try GET /schedules or POST /schedules/{name}/run" });
    };
    req.resume();
    answer().catch((err: Error) => send(res, 502, { error: err.message }));
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => resolve());
  });
  const bound = (server.address() as AddressInfo).port;
  return {
    url: `http://${host}:${bound}`,
    port: bound,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
      }),
  };
}
