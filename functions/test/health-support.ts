/**
 * Test support for the health and alert suites: host documents in the host-metrics contract, the
 * wrapped schedule and notification trigger, and a local webhook receiver.
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import { Timestamp, type DocumentSnapshot } from "firebase-admin/firestore";
import { DEFAULT_HEALTH_CONFIG } from "@aideon-perf/core";
import { adminDb } from "../../test/support/firestore";
import { COLLECTIONS } from "../src/firestore";
import { storedHostConverter } from "../src/stored/hosts";
import * as fns from "../src/index";
import { admin, call, fft } from "./helpers";

export interface HostState {
  lastSeenMs: number;
  intervalSeconds?: number;
  cpu?: number;
  memory?: number;
  disk?: number;
  mounts?: Array<{ mount: string; percent: number }>;
}

/** A perf_hosts document as host metrics ingestion writes it. */
export async function putHost(hostId: string, s: HostState): Promise<void> {
  const total = 100 * 2 ** 30;
  const freeBytes = (p: number) => Math.round(total * (1 - p / 100));
  await adminDb()
    .collection(COLLECTIONS.hosts)
    .doc(hostId)
    .withConverter(storedHostConverter)
    .set({
      host_id: hostId,
      agent_id: "a0123456789abcdefghi",
      last_seen: Timestamp.fromMillis(s.lastSeenMs),
      interval_seconds: s.intervalSeconds ?? 30,
      latest: {
        sample_id: `${hostId}-${s.lastSeenMs}`,
        timestamp: Timestamp.fromMillis(s.lastSeenMs - 500),
        cpu: { percent: s.cpu ?? 10, count: 4, load_average: [0.4, 0.3, 0.2] },
        memory: { percent: s.memory ?? 20, available_bytes: freeBytes(s.memory ?? 20), total_bytes: total },
        disk: {
          percent: s.disk ?? 30,
          free_bytes: freeBytes(s.disk ?? 30),
          total_bytes: total,
          mounts: (s.mounts ?? []).map((m) => ({
            ...m,
            free_bytes: freeBytes(m.percent),
            total_bytes: total,
          })),
        },
        network: { bytes_sent: 1000, bytes_received: 2000, sent_per_second: 10, received_per_second: 20 },
        host: {
          hostname: hostId,
          os: "Debian GNU/Linux 12",
          platform: "linux",
          release: "6.1.0",
          arch: "x64",
          uptime_seconds: 1000,
        },
      },
      agent: { version: "1.0.0", dropped_samples: 0, buffered: 1 },
    });
}

/** Runs the scheduled evaluateHealth as Cloud Scheduler would at `atMs`. */
export const evaluateAt = (atMs: number) =>
  (fns.evaluateHealth as unknown as { run(e: unknown): Promise<void> }).run({
    scheduleTime: new Date(atMs).toISOString(),
    jobName: "test",
  });

/** Delivers the created-event of a notification to the wrapped sendAlertNotification trigger. */
export const deliverNotification = (snap: DocumentSnapshot) =>
  (fft.wrap(fns.sendAlertNotification) as unknown as (e: unknown) => Promise<void>)({
    data: snap,
    params: { notificationId: snap.id },
  });

/** Puts every health setting back to its default (and drops the functions' cached configuration). */
export const resetHealthConfig = () =>
  call(
    fns.setHealthConfig,
    { config: Object.fromEntries(Object.keys(DEFAULT_HEALTH_CONFIG).map((k) => [k, null])) },
    admin,
  );

export const setHealthConfig = (config: Record<string, unknown>) =>
  call(fns.setHealthConfig, { config }, admin);

export async function alertDocs() {
  return (await adminDb().collection(COLLECTIONS.alerts).get()).docs;
}

export async function notificationDocs() {
  const docs = (await adminDb().collection(COLLECTIONS.alertNotifications).get()).docs;
  return docs.sort((a, b) => a.get("created_at").toMillis() - b.get("created_at").toMillis());
}

export interface WebhookReceiver {
  url: string;
  /** Bodies answered with 2xx, in arrival order. */
  received: Array<{ text: string }>;
  /** Every request, whatever it was answered. */
  requests: number;
  /** Answers the next `count` requests with `status` (and `headers`, e.g. a Location) instead of 200. */
  failNext(count: number, status?: number, headers?: Record<string, string>): void;
  close(): Promise<void>;
}

/** A webhook on 127.0.0.1 that records what it accepts. */
export async function startWebhookReceiver(): Promise<WebhookReceiver> {
  let failures: { left: number; status: number; headers: Record<string, string> } = {
    left: 0,
    status: 503,
    headers: {},
  };
  const receiver = {
    received: [] as Array<{ text: string }>,
    requests: 0,
    failNext(count: number, status = 503, headers: Record<string, string> = {}) {
      failures = { left: count, status, headers };
    },
  };
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      receiver.requests += 1;
      if (failures.left > 0) {
        failures.left -= 1;
        res.writeHead(failures.status, failures.headers).end("failing on purpose");
        return;
      }
      receiver.received.push(JSON.parse(Buffer.concat(chunks).toString("utf8")) as { text: string });
      res.writeHead(200, { "content-type": "text/plain" }).end("ok");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return Object.assign(receiver, {
    url: `http://127.0.0.1:${port}/hooks/alerts`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  });
}
