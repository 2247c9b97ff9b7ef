// gRPC status errors in the shape grpc-js sends to clients.
import { status, type ServiceError, Metadata } from "@grpc/grpc-js";

export class RpcError extends Error {
  constructor(
    readonly code: status,
    message: string,
  ) {
    super(message);
  }
}

export const invalidArgument = (message: string) => new RpcError(status.INVALID_ARGUMENT, message);
export const notFound = (message: string) => new RpcError(status.NOT_FOUND, message);
export const alreadyExists = (message: string) => new RpcError(status.ALREADY_EXISTS, message);
export const failedPrecondition = (message: string) => new RpcError(status.FAILED_PRECONDITION, message);
export const aborted = (message: string) => new RpcError(status.ABORTED, message);
export const unimplemented = (message: string) => new RpcError(status.UNIMPLEMENTED, message);

/** Anything thrown by a handler becomes a status; non-RpcErrors are bugs and surface as INTERNAL. */
export function toServiceError(err: unknown): Partial<ServiceError> {
  if (err instanceof RpcError) return { code: err.code, details: err.message, metadata: new Metadata() };
  const message = err instanceof Error ? (err.stack ?? err.message) : String(err);
  return {
    code: status.INTERNAL,
    details: `local-firestore internal error: ${message}`,
    metadata: new Metadata(),
  };
}
