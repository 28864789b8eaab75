import { ConflictError, InvalidArgumentError, NotFoundError } from '@chat/errors';

/**
 * Errors of the WebSocket gateway. Each carries the gateway close code the
 * connection closes with.
 */

/** Thrown while handling a client frame when the connection must close with `code` (4000-4014). */
export class GatewayCloseError extends Error {
  constructor(
    readonly code: number,
    readonly reason: string,
    options?: { cause?: unknown },
  ) {
    super(`gateway close ${code}: ${reason}`, options);
    this.name = 'GatewayCloseError';
  }
}

/** Thrown by GatewayService handlers for a malformed request field (INVALID_ARGUMENT). */
export class GatewayInvalidArgumentError extends InvalidArgumentError {
  constructor(
    readonly field: string,
    readonly value: string,
    options?: { cause?: unknown },
  ) {
    super(`invalid ${field}: ${value}`, { ...options, details: { field } });
  }
}

/** BeginSessionHandoff/FinishSessionHandoff for a session this node does not hold (or another user's, or one whose buffer no longer covers the sequence): NOT_FOUND. */
export class SessionNotHeldError extends NotFoundError {
  constructor(readonly sessionId: string) {
    super(`session ${sessionId} is not held here`);
  }
}

/** BeginSessionHandoff with a sequence ahead of the session's: the client gets close 4007. */
export class SessionSequenceAheadError extends ConflictError {
  constructor(readonly sessionId: string, readonly sequence: number) {
    super(`session ${sessionId} never sent sequence ${sequence}`);
  }
}
