/**
 * End to end: an Express app auto-instrumented with the OpenTelemetry JS SDK, in its own process,
 * pointed at the receiver through the Hosting emulator's /api/** rewrite by the two OTLP environment
 * variables alone. Between them a proxy delivers every export twice (an exporter retrying after a
 * lost answer). The receiver must store exactly one HTTP_REQUEST trace per served request, named by
 * route, the outgoing calls as EXTERNAL_API, nothing twice; a revoked key gets 401 and stores nothing.
 */
import assert from "node:assert/strict";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { adminClient } from "../support/client";
import { requireEmulators } from "../support/emulators";
import { countBy, storedTracesOfKey, type StoredBatchTrace } from "../support/ingest-key-traces";
import { runProcess } from "../support/processes";

const APP = path.join(__dirname, "fixtures/otel-express-app.ts");
const REQUESTS = 30;

interface Listening {
  origin: string;
  server: Server;
}

function listen(server: Server): Promise<Listening> {
  return new Promise((resolve) =>
    server.listen(0, "127.0.0.1", () =>
      resolve({ server, origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}` }),
    ),
  );
}

/** Forwards each POST to `target` twice and answers with the second answer; keeps every status. */
function duplicatingProxy(target: string, statuses: number[]): Promise<Listening> {
  const forward = async (
    req: import("node:http").IncomingMessage,
    res: import("node:http").ServerResponse,
  ) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const headers: Record<string, string> = {};
    for (const name of ["authorization", "content-type", "content-encoding"])
      if (req.headers[name]) headers[name] = String(req.headers[name]);
    let answer: Response | undefined;
    for (let i = 0; i < 2; i++) {
      answer = await fetch(target, { method: "POST", headers, body: Buffer.concat(chunks) });
      statuses.push(answer.status);
      if (i === 0) await answer.arrayBuffer();
    }
    res.writeHead(answer!.status, {
      "content-type": answer!.headers.get("content-type") ?? "application/octet-stream",
    });
    res.end(Buffer.from(await answer!.arrayBuffer()));
  };
  return listen(createServer((req, res) => void forward(req, res).catch(() => res.destroy())));
}

async function runApp(
  env: Record<string, string>,
): Promise<{ served: Record<string, number>; outgoingCalls: number; exportError: string | null }> {
  const ran = await runProcess(process.execPath, ["--import", "tsx", APP], {
    env: { ...process.env, ...env },
  });
  if (ran.code !== 0) throw new Error(`the instrumented app exited ${ran.code}: ${ran.stderr}`);
  return JSON.parse(ran.stdout.trim().split("\n").pop()!);
}

const countOfType = (traces: StoredBatchTrace[], type: string) =>
  countBy(
    traces.filter((t) => t.trace_type === type),
    (t) => t.name,
  );

describe("OpenTelemetry JS SDK -> OTLP/HTTP receiver (end to end, through Hosting)", function () {
  this.timeout(180_000);
  let receiverUrl: string;
  let admin: Awaited<ReturnType<typeof adminClient>>;
  let upstream: Listening;

  before(async function () {
    const emulators = await requireEmulators(this, "hosting", "functions", "auth");
    receiverUrl = `http://${emulators.hosting!.host}:${emulators.hosting!.port}/api/v1/otlp/v1/traces`;
    admin = await adminClient(emulators);
    upstream = await listen(createServer((_req, res) => res.end("ok")));
  });
  after(() => upstream?.server.close());

  for (const exporter of ["proto", "json"] as const) {
    it(`http/${exporter === "proto" ? "protobuf" : "json"}: one HTTP_REQUEST per request by route, outgoing calls as EXTERNAL_API, retries counted once`, async () => {
      const { key, key_id } = (await admin.call("createIngestKey", { name: `otel-${exporter}` })) as {
        key: string;
        key_id: string;
      };
      const statuses: number[] = [];
      const proxy = await duplicatingProxy(receiverUrl, statuses);
      try {
        const { served, outgoingCalls, exportError } = await runApp({
          EXPORTER: exporter,
          REQUESTS: String(REQUESTS),
          UPSTREAM_URL: upstream.origin,
          OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: `${proxy.origin}/api/v1/otlp/v1/traces`,
          OTEL_EXPORTER_OTLP_TRACES_HEADERS: `Authorization=Bearer%20${key}`,
        });
        assert.equal(exportError, null);
        assert.ok(
          statuses.length >= 2 && statuses.every((s) => s === 200),
          `every delivery answered 200: ${statuses.join(",")}`,
        );
        const traces = await storedTracesOfKey(key_id);
        assert.deepEqual(
          countOfType(traces, "HTTP_REQUEST"),
          served,
          "exactly one HTTP_REQUEST per request, named by route",
        );
        const external = countOfType(traces, "EXTERNAL_API");
        assert.deepEqual(
          external,
          { [`GET ${new URL(upstream.origin).hostname}`]: outgoingCalls },
          "each outgoing call once, named by server.address",
        );
        const report = traces.find((t) => t.name === "GET /reports/:year")!;
        assert.equal(report.attributes.status_code, 500);
        assert.equal(report.attributes.service_name, "otel-express-fixture");
        assert.equal(report.attributes.route, "/reports/:year");
      } finally {
        proxy.server.close();
      }
    });
  }

  it("a revoked key gets 401 and nothing is stored", async () => {
    const { key, key_id } = (await admin.call("createIngestKey", { name: "otel-revoked" })) as {
      key: string;
      key_id: string;
    };
    await admin.call("revokeIngestKey", { key_id });
    const statuses: number[] = [];
    const proxy = await duplicatingProxy(receiverUrl, statuses);
    try {
      const { exportError } = await runApp({
        REQUESTS: "3",
        UPSTREAM_URL: upstream.origin,
        OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: `${proxy.origin}/api/v1/otlp/v1/traces`,
        OTEL_EXPORTER_OTLP_TRACES_HEADERS: `Authorization=Bearer%20${key}`,
      });
      assert.ok(statuses.length > 0 && statuses.every((s) => s === 401), `answered ${statuses.join(",")}`);
      assert.match(String(exportError), /Unauthorized/);
      assert.equal((await storedTracesOfKey(key_id)).length, 0);
    } finally {
      proxy.server.close();
    }
  });
});
