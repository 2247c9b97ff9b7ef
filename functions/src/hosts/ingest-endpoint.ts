/**
 * `ingestHostMetrics`: the HTTPS endpoint host agents push to, authenticated by an agent key
 * (`Authorization: Bearer apk_...`), answering in the REST API's JSON (success or error body).
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { HOST_METRICS_MAX_BODY_BYTES, hostMetricsPushRequestSchema, parseRequest } from "@aideon-perf/core";
import { parseJsonBody, readBody, type BodyRequest } from "../rest/body";
import { apiErrors, errorBody, toApiError } from "../rest/errors";
import { sendJson } from "../rest/http";
import type { HostService } from "./host-service";

function agentKeyOf(header: string | string[] | undefined): string | undefined {
  return typeof header === "string" && /^bearer /i.test(header)
    ? header.slice("bearer ".length).trim()
    : undefined;
}

export function ingestHostMetricsHandler(hosts: () => HostService) {
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    try {
      if (req.method !== "POST") throw apiErrors.methodNotAllowed(req.method ?? "", ["POST"]);
      // The key first: an unauthenticated caller learns nothing about what it sent.
      const agent = await hosts().authenticate(agentKeyOf(req.headers.authorization));
      const body = parseJsonBody(
        await readBody(req as BodyRequest, HOST_METRICS_MAX_BODY_BYTES),
        req.headers["content-type"],
      );
      sendJson(res, 200, await hosts().ingest(agent, parseRequest(hostMetricsPushRequestSchema, body)));
    } catch (e) {
      const error = toApiError(e);
      sendJson(res, error.status, errorBody(error), error.headers);
    }
  };
}
