import { CancelledError, OverloadedError } from '@chat/errors';

/** Thrown by `acquire` at once when every permit is taken and the wait queue already holds `maxQueued` callers. */
export class SemaphoreQueueFullError extends OverloadedError {
  constructor(
    /** The semaphore's name (for logs and metrics). */
    readonly semaphore: string,
    /** Its wait-queue bound. */
    readonly maxQueued: number,
  ) {
    super(`${semaphore}: all permits in use and ${maxQueued} callers already waiting`, { details: { semaphore, reason: 'queue_full' } });
  }
}

/** Thrown by `acquire` when the caller's deadline (or the semaphore's longest wait) passed while it was queued. */
export class SemaphoreTimeoutError extends OverloadedError {
  constructor(
    /** The semaphore's name. */
    readonly semaphore: string,
    /** How long the caller waited, in ms. */
    readonly waitedMs: number,
  ) {
    super(`${semaphore}: no permit within the deadline (waited ${waitedMs} ms)`, { details: { semaphore, reason: 'deadline', waitedMs } });
  }
}

/** Thrown by `acquire` when the caller's signal aborted while it was queued. */
export class AcquireCancelledError extends CancelledError {
  constructor(
    /** The semaphore's name. */
    readonly semaphore: string,
    options: { cause?: unknown } = {},
  ) {
    super(`${semaphore}: the caller cancelled while waiting for a permit`, { ...options, details: { semaphore } });
  }
}
