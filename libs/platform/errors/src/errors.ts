/**
 * The project's error vocabulary. Every lib throws subclasses of these; the
 * boundaries (gRPC status in @chat/rpc, Discord JSON bodies and close codes in
 * the gateway) map them by kind, never by message text.
 */

/** The kinds a boundary knows how to map. */
export type ErrorKind =
  | 'invalid'
  | 'not_found'
  | 'forbidden'
  | 'unauthenticated'
  | 'conflict'
  | 'overloaded'
  | 'unavailable'
  | 'cancelled'
  | 'deadline'
  | 'unimplemented'
  | 'internal';

/** Base of every error the project throws on purpose. */
export abstract class ChatError extends Error {
  /** How a boundary should present this error. */
  abstract readonly kind: ErrorKind;
  /** Extra fields safe to show a client (for example the offending field). */
  readonly details: Readonly<Record<string, unknown>>;

  constructor(message: string, options: { cause?: unknown; details?: Record<string, unknown> } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.details = options.details ?? {};
  }
}

/** Thrown when a request is malformed: a bad id, a limit out of range, a field too long. */
export class InvalidArgumentError extends ChatError {
  readonly kind = 'invalid';
}

/** Thrown when the thing asked for does not exist (an unknown channel or message). */
export class NotFoundError extends ChatError {
  readonly kind = 'not_found';
}

/** Thrown when the caller is known but lacks the permission for the action. */
export class ForbiddenError extends ChatError {
  readonly kind = 'forbidden';
}

/** Thrown when the caller could not be identified (missing or bad token). */
export class UnauthenticatedError extends ChatError {
  readonly kind = 'unauthenticated';
}

/** Thrown when the action conflicts with current state (a duplicate id, a taken name). */
export class ConflictError extends ChatError {
  readonly kind = 'conflict';
}

/** Thrown when a bounded resource is full (a semaphore, a mailbox) and the caller should back off. */
export class OverloadedError extends ChatError {
  readonly kind = 'overloaded';
}

/** Thrown when a dependency cannot be reached right now; retrying later may work. */
export class UnavailableError extends ChatError {
  readonly kind = 'unavailable';
}

/** Thrown when the caller gave up (cancelled the call or aborted the signal). */
export class CancelledError extends ChatError {
  readonly kind = 'cancelled';
}

/** Thrown when the call's deadline passed before the work finished. */
export class DeadlineExceededError extends ChatError {
  readonly kind = 'deadline';
}

/** Thrown by an API method that this version of the service does not provide yet. */
export class NotImplementedError extends ChatError {
  readonly kind = 'unimplemented';
}

/** Thrown for a failure the caller cannot act on; boundaries show a generic message. */
export class InternalError extends ChatError {
  readonly kind = 'internal';
}

/** The kind of any thrown value: ours by their kind, anything else is internal. */
export function errorKindOf(error: unknown): ErrorKind {
  return error instanceof ChatError ? error.kind : 'internal';
}
