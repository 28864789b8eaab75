import { InvalidArgumentError } from '@chat/errors';

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
