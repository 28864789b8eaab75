import { CancelledError } from '@chat/errors';

/**
 * Thrown to one waiter of a coalesced call when that waiter's own signal
 * aborts. Only that waiter sees it; the shared call keeps running for the
 * others and is aborted only when every waiter has gone.
 */
export class WaiterCancelledError extends CancelledError {
  constructor(
    /** The coalescing key the waiter was waiting on. */
    readonly key: string,
    options: { cause?: unknown } = {},
  ) {
    super(`the request for ${key} was cancelled by its caller`, { ...options, details: { key } });
  }
}

/**
 * The reason handed to the shared call's AbortSignal when its last waiter
 * left before it finished. The call's own rejection, if any, reaches nobody.
 */
export class FlightAbandonedError extends CancelledError {
  constructor(
    /** The coalescing key of the abandoned call. */
    readonly key: string,
  ) {
    super(`every waiter for ${key} cancelled; the shared call was aborted`, { details: { key } });
  }
}
