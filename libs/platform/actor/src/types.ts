/**
 * Public types of the actor runtime: the ref callers hold, the behaviour an
 * actor is defined by, and the context its handler sees.
 */
import type { StopReasonKind } from './errors';
import type { ActorLogger } from './logger';
import type { SupervisionPolicy } from './supervisor';

/** Every message is a member of a discriminated union on `type`. */
export interface Message {
  readonly type: string;
}

/**
 * The reply handle an `ask` puts into its message. Call it once with the
 * answer, or `fail` it with an error; later calls are ignored. It may be kept
 * in state and called from a later message (deferred reply).
 */
export interface Reply<R> {
  /** Resolves the caller's promise with `value`. */
  (value: R): void;
  /** Rejects the caller's promise with `error` without crashing the actor. */
  fail(error: unknown): void;
  /** True once answered, failed, timed out or rejected by the runtime. */
  readonly settled: boolean;
}

/** Options of a single `ask`. */
export interface AskOptions {
  /** Reject with `AskTimeoutError` after this many ms. Default: the system's `askTimeoutMs`. */
  timeoutMs?: number;
}

/** Lifecycle phase of an actor, as seen from outside. */
export type ActorStatus = 'activating' | 'running' | 'backoff' | 'stopping' | 'stopped';

/** Why an actor stopped; `error` is set for `failed` and `restart-limit`. */
export interface StopReason {
  readonly kind: StopReasonKind;
  readonly error?: unknown;
}

/** Counters of one actor, read by `ref.stats()`. */
export interface ActorStats {
  /** Messages queued and not yet taken by the handler. */
  readonly mailboxDepth: number;
  /** Messages the handler finished (successfully or not). */
  readonly processed: number;
  /** Restarts done by the supervisor. */
  readonly restarts: number;
  /** Messages refused because the actor was stopping or stopped. */
  readonly deadLetters: number;
}

/**
 * What callers hold: XState's ActorRef shape (id, send, getSnapshot,
 * subscribe) plus `ask` and `stop`. Handlers of one actor never overlap.
 */
export interface ActorRef<Msg extends Message, Snapshot = unknown> {
  /** Unique id within the system (children: `parentId/childId`). */
  readonly id: string;
  /** Current lifecycle phase. */
  readonly status: ActorStatus;
  /**
   * Tell: enqueue and return. Never throws for a stopped actor (the message
   * counts as a dead letter). Throws `MailboxFullError` when a bounded
   * mailbox is full.
   */
  send(msg: Msg): void;
  /**
   * Request/response: `build` receives the reply handle and returns the
   * message. Rejects with `AskTimeoutError`, `ActorStoppedError`,
   * `MailboxFullError`, the error passed to `reply.fail`, or the error thrown
   * by the handler that took this message.
   */
  ask<R>(build: (reply: Reply<R>) => Msg, options?: AskOptions): Promise<R>;
  /** Last snapshot; `undefined` until the first activation finished. */
  getSnapshot(): Snapshot | undefined;
  /**
   * Calls `listener` with the new snapshot after activation and after each
   * message that returned a new state object. Returns the unsubscribe.
   */
  subscribe(listener: (snapshot: Snapshot) => void): () => void;
  /**
   * Stops the actor: queued messages are not handled (queued asks reject with
   * `ActorStoppedError`), the message in progress finishes, children stop,
   * then `onStop` runs. Idempotent; resolves when fully stopped.
   */
  stop(): Promise<void>;
  /** Resolves with the reason once the actor is fully stopped. */
  whenStopped(): Promise<StopReason>;
  /** Mailbox depth and counters. */
  stats(): ActorStats;
}

/** Per-actor options of `spawn`, `getOrSpawn` and `ctx.spawn`. */
export interface SpawnOptions {
  /** Bound on queued messages; overflow throws `MailboxFullError`. Default: unbounded. */
  mailboxCapacity?: number;
  /** Overrides the behaviour's and the system's supervision policy. */
  supervision?: SupervisionPolicy;
  /** Stop and remove the actor after this many ms without a message (passivation). */
  idleTimeoutMs?: number;
  /** Default timeout of asks to this actor. */
  askTimeoutMs?: number;
}

/** The registry as seen from inside a handler (`ctx.system`). */
export interface ActorLookup {
  /** The live actor with this id, if any. */
  get<Msg extends Message = Message, Snapshot = unknown>(id: string): ActorRef<Msg, Snapshot> | undefined;
  /** Spawns a top-level actor (not a child of the caller). */
  spawn<Msg extends Message, State, Snapshot>(
    id: string,
    behaviour: Behaviour<Msg, State, Snapshot>,
    options?: SpawnOptions,
  ): ActorRef<Msg, Snapshot>;
  /** The live actor with this id, or a new one built by `factory`. */
  getOrSpawn<Msg extends Message, State, Snapshot>(
    id: string,
    factory: (id: string) => Behaviour<Msg, State, Snapshot>,
    options?: SpawnOptions,
  ): ActorRef<Msg, Snapshot>;
}

/** What `activate`, `receive` and `onStop` get besides state and message. */
export interface ActorContext<Msg extends Message, Snapshot = unknown> {
  /** This actor's own ref (to pass along, or to tell itself). */
  readonly self: ActorRef<Msg, Snapshot>;
  /** Registry lookups and top-level spawns. */
  readonly system: ActorLookup;
  /** Logger with `actorId` bound. */
  readonly log: ActorLogger;
  /** 0 for the first activation, +1 after each supervisor restart. */
  readonly incarnation: number;
  /**
   * Spawns a child with id `${self.id}/${childId}`. Children stop when this
   * actor stops or restarts. Throws `ParentStoppedError` while stopping.
   */
  spawn<CMsg extends Message, CState, CSnapshot>(
    childId: string,
    behaviour: Behaviour<CMsg, CState, CSnapshot>,
    options?: SpawnOptions,
  ): ActorRef<CMsg, CSnapshot>;
  /** The live child spawned with `childId`, if any. */
  child<CMsg extends Message = Message, CSnapshot = unknown>(childId: string): ActorRef<CMsg, CSnapshot> | undefined;
}

/**
 * How an actor behaves. State is owned by the runtime and touched only by
 * `receive`: return the same object for "no change" (no notification), or a
 * new one (subscribers see `snapshot(newState)`).
 */
export interface Behaviour<Msg extends Message, State, Snapshot = State> {
  /** Builds the state on activation and after every restart (e.g. load from a store). */
  activate(ctx: ActorContext<Msg, Snapshot>): State | Promise<State>;
  /** Handles one message; the next message waits until this settles. */
  receive(state: State, msg: Msg, ctx: ActorContext<Msg, Snapshot>): State | Promise<State>;
  /** Projects state to the read-only view `getSnapshot` and subscribers see. */
  snapshot(state: State): Snapshot;
  /**
   * Runs once when an activated actor stops by request, passivation or parent
   * stop (e.g. to persist). Not run after a crash: that state is suspect.
   */
  onStop?(state: State, ctx: ActorContext<Msg, Snapshot>): void | Promise<void>;
  /** Default supervision for this behaviour; spawn options override it. */
  supervision?: SupervisionPolicy;
}
