// The HTTP/1.1 side of the port: a health check, the official emulator's documented reset
// endpoint, DELETE /emulator/v1/projects/{project}/databases/{database}/documents, and our own
// GET /local-firestore/v1/usage (billable operations so far; see usage.ts) for benchmarks.
import type * as http from "http";
import type { UsageCounts } from "./usage";

export const USAGE_PATH = "/local-firestore/v1/usage";
const RESET_PATH = /^\/emulator\/v1\/projects\/([^/]+)\/databases\/([^/]+)\/documents\/?$/;

export function httpApi(
  clearDatabase: (project: string, database: string) => void,
  usage: () => UsageCounts,
): http.RequestListener {
  return (req, res) => {
    const path = (req.url ?? "/").split("?")[0]!;
    const reset = RESET_PATH.exec(path);
    if (req.method === "GET" && path === "/") {
      res.writeHead(200, { "content-type": "text/plain" }).end("Ok\n");
    } else if (req.method === "GET" && path === USAGE_PATH) {
      res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(usage()));
    } else if (req.method === "DELETE" && reset) {
      clearDatabase(decodeURIComponent(reset[1]!), decodeURIComponent(reset[2]!));
      res.writeHead(200, { "content-type": "application/json" }).end("{}");
    } else {
      res.writeHead(404, { "content-type": "text/plain" }).end("Not found\n");
    }
  };
}
