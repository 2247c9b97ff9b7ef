/**
 * Host metrics as a service shared by the agent's HTTPS endpoint, the callables and the REST API:
 * agent keys (created by admins, shown once, stored hashed, revocable), ingestion and reads.
 */
import type { Firestore } from "firebase-admin/firestore";
import type {
  CreateAgentKeyRequest,
  HostMetricsPushRequest,
  HostMetricsPushResponse,
  RevokeAgentKeyRequest,
  SystemMetricsRequest,
} from "@aideon-perf/core";
import { HOUR_MS, DAY_MS } from "@aideon-perf/core";
import { errors } from "../errors";
import { COLLECTIONS } from "../firestore";
import { storedAgentKeyConverter } from "../stored/agent-keys";
import { keyRecords } from "../keys/key-records";
import { secretKeyFormat } from "../keys/secret-key";
import type { HostStore } from "./host-store";
import { sourceMetrics } from "./system-metrics";

export interface AuthenticatedAgent {
  agentId: string;
  hostId: string;
}

export interface HostServiceDeps {
  db: Firestore;
  hosts: HostStore;
  now: () => number;
}

/** Agent keys: `apk_<agent_id>_<secret>`. */
const AGENT_KEYS = secretKeyFormat("apk");

const SERIES_SPAN_MS = { hour: HOUR_MS, "24h": DAY_MS } as const;

export function hostService(deps: HostServiceDeps) {
  const keys = keyRecords(
    deps,
    deps.db.collection(COLLECTIONS.agentKeys).withConverter(storedAgentKeyConverter),
    AGENT_KEYS,
  );

  return {
    async createAgentKey(adminUid: string, req: CreateAgentKeyRequest) {
      const { id: agentId, key } = await keys.create(adminUid, (record) => ({
        host_id: req.host_id,
        label: req.label ?? null,
        ...record,
      }));
      return { success: true as const, agent_id: agentId, host_id: req.host_id, key };
    },

    async revokeAgentKey(req: RevokeAgentKeyRequest) {
      await keys.revoke(req.agent_id, () => errors.agentKeyNotFound(req.agent_id));
      return { success: true as const, agent_id: req.agent_id, revoked: true as const };
    },

    /** The agent a bearer key belongs to; any malformed, unknown, wrong or revoked key is the same 401. */
    async authenticate(bearer: string | undefined): Promise<AuthenticatedAgent> {
      const live = await keys.live(bearer);
      if (!live) throw errors.agentKeyRejected();
      return { agentId: live.id, hostId: live.record.host_id };
    },

    async ingest(agent: AuthenticatedAgent, push: HostMetricsPushRequest): Promise<HostMetricsPushResponse> {
      if (push.host_id !== agent.hostId) throw errors.wrongHost(push.host_id);
      return { success: true, ...(await deps.hosts.record(agent.agentId, push, deps.now())) };
    },

    /**
     * The contract's system-metrics shape. With `host`: that host (and its series when asked);
     * without: every host, `metrics` being the most recently seen one's.
     */
    async systemMetrics(req: SystemMetricsRequest) {
      if (req.host) {
        const host = await deps.hosts.get(req.host);
        if (!host) throw errors.hostNotFound(req.host);
        const now = deps.now();
        return {
          success: true as const,
          host_id: host.host_id,
          last_seen: host.last_seen.toDate().toISOString(),
          metrics: sourceMetrics(host.latest),
          ...(req.series
            ? { series: await deps.hosts.series(host.host_id, now - SERIES_SPAN_MS[req.series], now) }
            : {}),
        };
      }
      const all = (await deps.hosts.all()).sort((a, b) => b.last_seen.toMillis() - a.last_seen.toMillis());
      return {
        success: true as const,
        host_id: all[0]?.host_id ?? null,
        metrics: all[0] ? sourceMetrics(all[0].latest) : null,
        hosts: Object.fromEntries(
          all.map((h) => [
            h.host_id,
            { last_seen: h.last_seen.toDate().toISOString(), metrics: sourceMetrics(h.latest) },
          ]),
        ),
      };
    },
  };
}

export type HostService = ReturnType<typeof hostService>;
