/**
 * The runtime of one actor: mailbox, the single processing loop (one message
 * at a time, even across an await), activation, supervision and stop.
 * Callers never see the cell, only its `ref`.
 */
import { makeContext, makeRef } from './actor-facade';
import type { AnyCell, CellHost, Envelope } from './cell-host';
import type { TimerHandle } from './clock';
import {
  ActorRestartedError, ActorStoppedError, AskTimeoutError, InvalidActorOptionsError, MailboxFullError, ParentStoppedError,
} from './errors';
import { IdleTimer } from './idle-timer';
import { bindActorId, type ActorLogger } from './logger';
import { Mailbox } from './mailbox';
import { PendingAsk, TurnBuffer } from './pending-ask';
import { SnapshotChannel } from './snapshot-channel';
import { isPositiveFinite, type ResolvedSpawnOptions } from './spawn-options';
import { RestartTracker, type FailureInfo, type ResolvedSupervision } from './supervisor';
import type {
  ActorContext, ActorRef, ActorStats, ActorStatus, AskOptions, Behaviour, Message, Reply, SpawnOptions, StopReason,
} from './types';

const isPromiseLike = <T>(value: T | Promise<T>): value is Promise<T> =>
  typeof (value as { then?: unknown } | null)?.then === 'function';

/** One actor instance. Created by the system; see `ActorRef` for the contract. */
export class ActorCell<Msg extends Message, State, Snapshot> {
  /** The public face handed to callers. */
  readonly ref: ActorRef<Msg, Snapshot>;
  private phase: ActorStatus = 'activating';
  private state: State | undefined;
  private hasState = false;
  private incarnation = 0;
  private readonly mailbox: Mailbox<Envelope<Msg>>;
  private readonly tracker: RestartTracker;
  private readonly ctx: ActorContext<Msg, Snapshot>;
  /** Logger with `actorId` bound. */
  readonly log: ActorLogger;
  private readonly snapshots: SnapshotChannel<Snapshot>;
  private readonly children = new Map<string, AnyCell>();
  private readonly takenAsks = new Set<PendingAsk<unknown>>();
  private readonly turn = new TurnBuffer();
  private looping = false;
  private loopPromise: Promise<void> | undefined;
  private backoffTimer: TimerHandle | undefined;
  private readonly idle: IdleTimer;
  private stopPromise: Promise<void> | undefined;
  private stopReason: StopReason | undefined;
  private resolveStopped!: (reason: StopReason) => void;
  private readonly stoppedPromise = new Promise<StopReason>((resolve) => (this.resolveStopped = resolve));
  private counts = { processed: 0, restarts: 0, deadLetters: 0 };

  /**
   * @param gate activation waits for it (the previous incarnation under this id finishing its stop)
   */
  constructor(
    readonly id: string,
    private readonly behaviour: Behaviour<Msg, State, Snapshot>,
    private readonly options: ResolvedSpawnOptions,
    supervision: ResolvedSupervision,
    private readonly host: CellHost,
    readonly parent: AnyCell | undefined,
    private gate: Promise<unknown> | undefined,
  ) {
    this.mailbox = new Mailbox(options.mailboxCapacity);
    this.tracker = new RestartTracker(supervision, host.clock, host.random);
    this.log = bindActorId(host.logger, id);
    this.snapshots = new SnapshotChannel((err) => this.log.warn({ err }, 'snapshot listener threw'));
    this.idle = new IdleTimer(host.clock, options.idleTimeoutMs, () => {
      if (this.phase === 'running' && !this.looping && this.mailbox.size === 0) void this.stopWith({ kind: 'passivated' });
    });
    this.ref = makeRef(this);
    this.ctx = makeContext(this, host.lookup, this.log);
    this.kick();
  }

  /** Tell; see `ActorRef.send`. */
  send(msg: Msg): void {
    if (this.phase === 'stopping' || this.phase === 'stopped') return this.deadLetter(msg);
    if (!this.mailbox.offer({ msg })) throw new MailboxFullError(this.id, this.options.mailboxCapacity, msg.type);
    this.enqueued();
  }

  /** Request/response; see `ActorRef.ask`. */
  ask<R>(build: (reply: Reply<R>) => Msg, options?: AskOptions): Promise<R> {
    const timeoutMs = options?.timeoutMs ?? this.options.askTimeoutMs;
    if (!isPositiveFinite(timeoutMs)) {
      return Promise.reject(new InvalidActorOptionsError(this.id, 'timeoutMs', 'must be a finite number > 0'));
    }
    const pending = new PendingAsk<R>(this.host.clock, (p) => this.takenAsks.delete(p as PendingAsk<unknown>), this.turn);
    let msg: Msg;
    try {
      msg = build(pending.reply);
    } catch (error) {
      return Promise.reject(error);
    }
    if (this.phase === 'stopping' || this.phase === 'stopped') {
      this.deadLetter(msg);
      pending.reject(this.stoppedError());
    } else if (!this.mailbox.offer({ msg, ask: pending as PendingAsk<unknown> })) {
      pending.reject(new MailboxFullError(this.id, this.options.mailboxCapacity, msg.type));
    } else {
      pending.armTimeout(timeoutMs, () => new AskTimeoutError(this.id, msg.type, timeoutMs));
      this.enqueued();
    }
    return pending.promise;
  }

  /** Stops with `reason` (first reason wins); resolves when fully stopped. */
  stopWith(reason: StopReason): Promise<void> {
    if (this.stopReason === undefined) {
      this.stopReason = reason;
      this.stopPromise = this.runStop(reason);
    }
    // Only undefined if a hook re-entered stop while runStop was starting.
    return this.stopPromise ?? this.stoppedPromise.then(() => undefined);
  }

  /** Called by a child when it has fully stopped. */
  childStopped(child: AnyCell): void {
    for (const [childId, cell] of this.children) if (cell === child) this.children.delete(childId);
  }

  /** Current phase. */
  get status(): ActorStatus {
    return this.phase;
  }

  /** 0 for the first activation, +1 per restart. */
  get currentIncarnation(): number {
    return this.incarnation;
  }

  /** Last committed snapshot, and its subscribers. */
  get snapshotChannel(): SnapshotChannel<Snapshot> {
    return this.snapshots;
  }

  /** Counters for `ref.stats()`. */
  stats(): ActorStats {
    return { mailboxDepth: this.mailbox.size, ...this.counts };
  }

  /** The live child spawned as `childId`. */
  child(childId: string): AnyCell | undefined {
    return this.children.get(childId);
  }

  /** Resolves with the reason once fully stopped. */
  whenStopped(): Promise<StopReason> {
    return this.stoppedPromise;
  }

  private enqueued(): void {
    this.host.metrics.mailboxDepth(this.id, this.mailbox.size);
    this.idle.clear();
    this.kick();
  }

  private deadLetter(msg: Msg): void {
    this.counts.deadLetters += 1;
    this.host.metrics.deadLetter(this.id);
    this.log.debug({ messageType: msg.type }, 'dead letter');
  }

  private stoppedError(): ActorStoppedError {
    const reason = this.stopReason ?? { kind: 'requested' };
    return new ActorStoppedError(this.id, reason.kind, { cause: reason.error });
  }

  /** Starts the loop on a later microtask, so `send` never runs a handler inline. */
  private kick(): void {
    if (this.looping || (this.phase !== 'running' && this.phase !== 'activating')) return;
    this.looping = true;
    this.loopPromise = Promise.resolve().then(() => this.loop());
  }

  private async loop(): Promise<void> {
    try {
      for (;;) {
        if (this.phase === 'activating') {
          if (!(await this.activate())) return;
          continue;
        }
        if (this.phase !== 'running') return;
        const envelope = this.mailbox.shift();
        if (envelope === undefined) return this.idle.arm();
        this.host.metrics.mailboxDepth(this.id, this.mailbox.size);
        if (!(await this.handle(envelope))) return;
      }
    } finally {
      this.looping = false;
    }
  }

  private async activate(): Promise<boolean> {
    if (this.gate !== undefined) {
      await this.gate.catch(() => undefined);
      this.gate = undefined;
      if (this.phase !== 'activating') return false;
    }
    try {
      const result = this.behaviour.activate(this.ctx);
      this.commit(isPromiseLike(result) ? await result : result);
    } catch (error) {
      return this.fail(error, { actorId: this.id, phase: 'activate' });
    }
    if (this.phase !== 'activating') return false;
    this.phase = 'running';
    return true;
  }

  private async handle({ msg, ask }: Envelope<Msg>): Promise<boolean> {
    if (ask !== undefined && !ask.settled) this.takenAsks.add(ask);
    const started = this.host.clock.now();
    this.turn.begin();
    try {
      const result = this.behaviour.receive(this.state as State, msg, this.ctx);
      const next = isPromiseLike(result) ? await result : result;
      if (next !== this.state) this.commit(next);
    } catch (error) {
      ask?.failTurn(error);
      this.turn.end();
      this.processed(msg.type, started);
      return this.fail(error, { actorId: this.id, phase: 'receive', messageType: msg.type });
    }
    this.turn.end();
    this.processed(msg.type, started);
    this.tracker.succeeded();
    return this.phase === 'running';
  }

  private processed(type: string, started: number): void {
    this.counts.processed += 1;
    this.host.metrics.processed(this.id, type, this.host.clock.now() - started);
  }

  /** Installs a new state; the snapshot is computed first so a throwing projection changes nothing. */
  private commit(state: State): void {
    const snapshot = this.behaviour.snapshot(state);
    this.state = state;
    this.hasState = true;
    this.snapshots.publish(snapshot);
  }

  /** Applies supervision; returns whether the loop may go on. */
  private async fail(error: unknown, failure: FailureInfo): Promise<boolean> {
    if (this.phase !== 'running' && this.phase !== 'activating') {
      this.discardState();
      return false;
    }
    const decision = this.tracker.decide(error, failure);
    this.log.error({ err: error, phase: failure.phase, messageType: failure.messageType, decision: decision.action }, 'actor failed');
    if (decision.action === 'resume') return true;
    this.discardState();
    if (decision.action === 'stop') {
      void this.stopWith({ kind: decision.reason, error });
      return false;
    }
    this.phase = 'backoff';
    this.counts.restarts += 1;
    this.host.metrics.restarted(this.id);
    for (const ask of [...this.takenAsks]) ask.reject(new ActorRestartedError(this.id, { cause: error }));
    await this.stopChildren();
    if (this.phase !== 'backoff') return false;
    this.backoffTimer = this.host.clock.setTimeout(() => {
      this.backoffTimer = undefined;
      if (this.phase !== 'backoff') return;
      this.incarnation += 1;
      this.phase = 'activating';
      this.kick();
    }, decision.delayMs);
    return false;
  }

  private discardState(): void {
    this.state = undefined;
    this.hasState = false;
  }

  private async runStop(reason: StopReason): Promise<void> {
    this.phase = 'stopping';
    this.host.cellStopping(this as unknown as AnyCell);
    this.idle.clear();
    if (this.backoffTimer !== undefined) this.host.clock.clearTimeout(this.backoffTimer);
    this.backoffTimer = undefined;
    for (const { msg, ask } of this.mailbox.drain()) {
      this.deadLetter(msg);
      ask?.reject(this.stoppedError());
    }
    this.host.metrics.mailboxDepth(this.id, 0);
    if (this.loopPromise !== undefined) await this.loopPromise;
    await this.stopChildren();
    if (this.hasState && this.behaviour.onStop !== undefined) {
      try {
        await this.behaviour.onStop(this.state as State, this.ctx);
      } catch (error) {
        this.log.error({ err: error }, 'onStop threw');
      }
    }
    for (const ask of [...this.takenAsks]) ask.reject(this.stoppedError());
    this.discardState();
    this.snapshots.close();
    this.phase = 'stopped';
    this.parent?.childStopped(this as unknown as AnyCell);
    this.host.cellStopped(this as unknown as AnyCell);
    this.resolveStopped(reason);
  }

  private async stopChildren(): Promise<void> {
    await Promise.all([...this.children.values()].map((child) => child.stopWith({ kind: 'parent-stopped' })));
  }

  /** `ctx.spawn`: creates a child `${id}/${childId}`; throws `ParentStoppedError` while stopping. */
  spawnChild<CMsg extends Message, CState, CSnapshot>(
    childId: string,
    behaviour: Behaviour<CMsg, CState, CSnapshot>,
    options: SpawnOptions = {},
  ): ActorRef<CMsg, CSnapshot> {
    if (this.phase === 'stopping' || this.phase === 'stopped') throw new ParentStoppedError(this.id, childId);
    const self = this as unknown as AnyCell;
    const child = this.host.spawnChild(self, childId, behaviour as unknown as Behaviour<Message, unknown, unknown>, options);
    this.children.set(childId, child);
    return child.ref as unknown as ActorRef<CMsg, CSnapshot>;
  }
}
