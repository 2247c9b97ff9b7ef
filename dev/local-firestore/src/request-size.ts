// "Maximum API request size: 10 MiB" (https://firebase.google.com/docs/firestore/quotas), on the
// serialized request as it arrived. Answered as production does (INVALID_ARGUMENT, which clients do
// not retry), not as a gRPC RESOURCE_EXHAUSTED, which the Admin SDK retries for minutes.
import type * as grpc from "@grpc/grpc-js";
import { invalidArgument } from "./errors";

const MAX_REQUEST_BYTES = 10 * 1024 * 1024;

const requestBytes = new WeakMap<object, number>();

/** The service with each request's serialized size recorded for assertRequestSize. */
export function measuringRequestSizes(service: grpc.ServiceDefinition): grpc.ServiceDefinition {
  return Object.fromEntries(
    Object.entries(service).map(([method, definition]) => [
      method,
      {
        ...definition,
        requestDeserialize: (bytes: Buffer) => {
          const request = definition.requestDeserialize(bytes) as object;
          requestBytes.set(request, bytes.length);
          return request;
        },
      },
    ]),
  );
}

export function assertRequestSize(request: object): void {
  if ((requestBytes.get(request) ?? 0) > MAX_REQUEST_BYTES) {
    throw invalidArgument(`Request payload size exceeds the limit: ${MAX_REQUEST_BYTES} bytes.`);
  }
}
