/**
 * What a service refuses, beside bad input (ValidationError): one class per kind of refusal, each with
 * the code callers see (the callables' error code, the REST error body's `code`), a message and
 * optional details. No transport here: the functions map them once to the callable protocol and once to
 * HTTP statuses.
 */
export type DomainErrorCode =
  | "invalid-argument"
  | "unauthenticated"
  | "permission-denied"
  | "not-found"
  | "failed-precondition"
  | "resource-exhausted";

export abstract class DomainError extends Error {
  abstract readonly code: DomainErrorCode;

  constructor(
    message: string,
    /** Passed on to callers as they are (the callables' `details`). */
    readonly details?: Readonly<Record<string, unknown>>,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** A request refused as a whole (too large, say), or one field of it when `field` names it. */
export class InvalidArgumentError extends DomainError {
  readonly code = "invalid-argument";

  constructor(
    message: string,
    readonly field?: string,
  ) {
    super(message, field === undefined ? undefined : { field });
  }
}

/** No credential, or one that is rejected (revoked, wrong, expired). */
export class UnauthenticatedError extends DomainError {
  readonly code = "unauthenticated";
}

/** A known caller that may not do this (not an admin, not the trace's owner...). */
export class ForbiddenError extends DomainError {
  readonly code = "permission-denied";
}

export class NotFoundError extends DomainError {
  readonly code = "not-found";
}

/** The resource's state forbids it (a trace that is no longer active): a conflict, HTTP 409. */
export class FailedPreconditionError extends DomainError {
  readonly code = "failed-precondition";
}

/** A quota is used up: says when to come back, in details as retry_after_seconds (HTTP Retry-After). */
export class QuotaExceededError extends DomainError {
  readonly code = "resource-exhausted";

  constructor(
    message: string,
    readonly retryAfterSeconds: number,
    details: Readonly<Record<string, unknown>> = {},
  ) {
    super(message, { ...details, retry_after_seconds: retryAfterSeconds });
  }
}
