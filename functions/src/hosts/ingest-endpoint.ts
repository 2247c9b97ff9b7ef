/**
 * `ingestHostMetrics`: the HTTPS endpoint host agents push to, authenticated by an agent key
 * (`Authorization: Bearer apk_...`), answering in the REST API's JSON (success or error body).
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { HOST_METRICS_MAX_BODY_BYTES, hostMetricsPushRequestSchema, parseRequest } from "@aideon-perf/core";
import { parseJsonBody, readBody, type BodyRequest } from "../http/body";
import { bearerCredential } from "../http/credentials";
import { errorBody, httpErrors, toApiError } from "../http/errors";
import { sendJson } from "../http/send";
import type { HostService } from "./host-service";

export function ingestHostMetricsHandler(hosts: () => Pick<HostService, "authenticate" | "ingest">) {
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    try {
      if (req.method !== "POST") throw httpErrors.methodNotAllowed(req.method ?? "", ["POST"]);
      // The key first: an unauthenticated caller learns nothing about what it sent.
      const agent = await hosts().authenticate(bearerCredential(req.headers.authorization));
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
