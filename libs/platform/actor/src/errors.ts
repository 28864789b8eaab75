/**
 * Named errors of the actor runtime. Every class carries typed fields so a
 * boundary (gRPC status mapper, gateway close codes) can switch on the class
 * and read the fields without parsing messages.
 */

/** Why an actor stopped; carried by {@link ActorStoppedError}. */
export type StopReasonKind =
  | 'requested'
  | 'passivated'
  | 'parent-stopped'
  | 'failed'
  | 'restart-limit';

/** Base class of every error thrown by this library. */
export class ActorError extends Error {
  /** The actor the error is about. */
  readonly actorId: string;

  constructor(actorId: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.actorId = actorId;
  }
}

/**
 * Thrown (as a rejection) by `ask` when no reply arrived within `timeoutMs`.
 * The message itself may still be handled later; its reply is then ignored.
 */
export class AskTimeoutError extends ActorError {
  /** The `type` of the message that was asked. */
  readonly messageType: string;
  /** The timeout that elapsed, in milliseconds. */
  readonly timeoutMs: number;

  constructor(actorId: string, messageType: string, timeoutMs: number) {
    super(actorId, `ask "${messageType}" to actor "${actorId}" timed out after ${timeoutMs} ms`);
    this.messageType = messageType;
    this.timeoutMs = timeoutMs;
  }
}

/**
 * Thrown (as a rejection) by `ask` to an actor that is stopping or stopped, and
 * to every ask still queued or awaiting a reply when the actor stops. `cause`
 * holds the failure when the actor stopped because it crashed.
 */
export class ActorStoppedError extends ActorError {
  /** Why the actor stopped. */
  readonly reason: StopReasonKind;

  constructor(actorId: string, reason: StopReasonKind, options?: { cause?: unknown }) {
    super(actorId, `actor "${actorId}" is stopped (${reason})`, options);
    this.reason = reason;
  }
}

/**
 * Thrown synchronously by `send`, and as a rejection by `ask`, when the actor's
 * mailbox already holds `capacity` queued messages (backpressure).
 */
export class MailboxFullError extends ActorError {
  /** The configured bound of the mailbox. */
  readonly capacity: number;
  /** The `type` of the message that was refused. */
  readonly messageType: string;

  constructor(actorId: string, capacity: number, messageType: string) {
    super(actorId, `mailbox of actor "${actorId}" is full (${capacity}); refused "${messageType}"`);
    this.capacity = capacity;
    this.messageType = messageType;
  }
}

/**
 * Thrown (as a rejection) to asks whose message a crashed incarnation had
 * already taken but not answered: that state is gone, so no reply will come.
 * `cause` is the crash. The ask whose own message crashed gets the crash error.
 */
export class ActorRestartedError extends ActorError {
  constructor(actorId: string, options?: { cause?: unknown }) {
    super(actorId, `actor "${actorId}" crashed and restarted before replying`, options);
  }
}

/** Thrown by `spawn` when a live actor already has the requested id. */
export class DuplicateActorIdError extends ActorError {
  constructor(actorId: string) {
    super(actorId, `an actor with id "${actorId}" is already running`);
  }
}

/**
 * Thrown by `spawn` and `getOrSpawn` when options are out of range (negative
 * timeouts, a capacity below 1, a backoff multiplier below 1, ...).
 */
export class InvalidActorOptionsError extends ActorError {
  /** The option that was rejected. */
  readonly option: string;

  constructor(actorId: string, option: string, detail: string) {
    super(actorId, `invalid option "${option}" for actor "${actorId}": ${detail}`);
    this.option = option;
  }
}

/**
 * Thrown by `ctx.spawn` when the parent is stopping or stopped: a child
 * spawned then would outlive its parent.
 */
export class ParentStoppedError extends ActorError {
  /** The id the child would have had. */
  readonly childId: string;

  constructor(actorId: string, childId: string) {
    super(actorId, `actor "${actorId}" is stopping; cannot spawn child "${childId}"`);
    this.childId = childId;
  }
}
