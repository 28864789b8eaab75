/**
 * A guild node: the guild actors this process owns on the guild ring, the
 * node-level dispatch batcher, and the ownership check every call passes.
 * Guild actors activate from the store on first use and passivate when idle
 * (guilds with attached sessions are kept alive by a keep-alive tick).
 */
import { ActorRestartedError, ActorStoppedError, ActorSystem, AskTimeoutError, MailboxFullError, type ActorLogger, type ActorRef, type Reply } from '@chat/actor';
import { ChatError, DeadlineExceededError, OverloadedError, UnavailableError } from '@chat/errors';
import type { RingView } from '@chat/ring';
import { randomUUID } from 'node:crypto';
import { DispatchBatcher } from './dispatch-batcher';
import { GuildNotOwnedError } from './errors';
import { guildBehaviour, type GuildSnapshot } from './guild.actor';
import type { GuildMsg } from './guild.messages';
import type { GuildStorePorts } from './guild-state';
import { MemberWorkerPool } from './member-worker/member-worker-pool';
import type { VoiceClients } from './voice/voice-clients';

/** Options of a guild node. */
export interface GuildNodeOptions {
  /** This node's id on the guild ring. */
  nodeId: string;
  /** The guild ring. */
  ring: RingView;
  store: GuildStorePorts;
  passiveThreshold?: number;
  replayCapacity?: number;
  flushIntervalMs?: number;
  maxBatchItems?: number;
  /** After an idle flush interval, send the first item at the end of the turn instead of after the tick (default true; see DispatchBatcher). */
  idleFlush?: boolean;
  /** Passivate a guild without sessions after this long idle (default 10 min). */
  idleTimeoutMs?: number;
  /** A gateway node whose stream stays closed this long loses its sessions here (default 60 s). */
  gatewayGraceMs?: number;
  askTimeoutMs?: number;
  mailboxCapacity?: number;
  listChunk?: number;
  /** Member worker threads for listings of large guilds (default 0: every listing runs on this thread). */
  memberWorkers?: number;
  /** Guilds with more members than this list in a member worker (default 1000). */
  workerMinMembers?: number;
  logger?: ActorLogger;
  /** The voice ring (VoiceService per voice node); without it voice joins fail with UNAVAILABLE. */
  voice?: VoiceClients;
  /** Deadline of each VoiceService call (default 1500 ms). */
  voiceTimeoutMs?: number;
}

/** The guild actors of one guild node. */
export class GuildNode {
  readonly nodeId: string;
  /** Changes every time the process starts (StreamHello.incarnation). */
  readonly incarnation = randomUUID();
  readonly batcher: DispatchBatcher;
  readonly system: ActorSystem;
  /** The member worker pool; undefined when the node runs without workers. */
  readonly memberWorkers: MemberWorkerPool | undefined;
  private readonly active = new Set<string>();
  private readonly withSessions = new Set<string>();
  private readonly keepalive: ReturnType<typeof setInterval>;
  private readonly unsubscribe: () => void;

  constructor(private readonly options: GuildNodeOptions) {
    this.nodeId = options.nodeId;
    this.batcher = new DispatchBatcher({ flushIntervalMs: options.flushIntervalMs ?? 5, maxQueuedItems: options.maxBatchItems ?? 512, ...(options.idleFlush === undefined ? {} : { idleFlush: options.idleFlush }) });
    this.system = new ActorSystem({
      askTimeoutMs: options.askTimeoutMs ?? 5000,
      ...(options.logger ? { logger: options.logger } : {}),
      supervision: { directive: (error) => (error instanceof ChatError && error.kind === 'not_found' ? 'stop' : 'restart'), maxRestarts: 5 },
    });
    const idle = options.idleTimeoutMs ?? 600_000;
    this.keepalive = setInterval(() => {
      for (const guildId of this.withSessions) this.system.get<GuildMsg>(actorId(guildId))?.send({ type: 'keepalive' });
    }, Math.max(10, Math.floor(idle / 3)));
    this.keepalive.unref();
    this.unsubscribe = options.ring.subscribe(() => this.rebalance());
    const workers = options.memberWorkers ?? 0;
    this.memberWorkers = workers > 0 ? new MemberWorkerPool({ size: workers, minMembers: options.workerMinMembers ?? 1000, ...(options.logger ? { logger: options.logger } : {}) }) : undefined;
  }

  /** The owner of a guild on the ring. */
  ownerOf(guildId: string): string {
    return this.options.ring.owner(guildId);
  }

  /** Throws GuildNotOwnedError unless this node owns the guild. */
  assertOwned(guildId: string): void {
    const owner = this.ownerOf(guildId);
    if (owner !== this.nodeId) throw new GuildNotOwnedError(guildId, owner, this.options.ring.addressOf(owner));
  }

  /** Whether this node owns the guild now. */
  owns(guildId: string): boolean {
    return this.ownerOf(guildId) === this.nodeId;
  }

  /** The guild's actor (activated on first use). @throws {GuildNotOwnedError} */
  actor(guildId: string): ActorRef<GuildMsg, GuildSnapshot> {
    this.assertOwned(guildId);
    const id = actorId(guildId);
    const fresh = !this.active.has(guildId);
    const ref = this.system.getOrSpawn(
      id,
      () =>
        guildBehaviour(guildId, {
          store: this.options.store,
          outbox: this.batcher,
          passiveThreshold: this.options.passiveThreshold ?? 75,
          replayCapacity: this.options.replayCapacity ?? 4096,
          listChunk: this.options.listChunk ?? 500,
          onSessionsChanged: (g, n) => (n > 0 ? this.withSessions.add(g) : this.withSessions.delete(g)),
          ...(this.memberWorkers ? { memberWorkers: this.memberWorkers } : {}),
          ...(this.options.voice ? { voice: this.options.voice } : {}),
          ...(this.options.voiceTimeoutMs === undefined ? {} : { voiceTimeoutMs: this.options.voiceTimeoutMs }),
          onVoiceError: (error, context) => this.options.logger?.warn({ err: error, guildId, ...context }, 'voice service call failed'),
        }),
      { idleTimeoutMs: this.options.idleTimeoutMs ?? 600_000, ...(this.options.mailboxCapacity ? { mailboxCapacity: this.options.mailboxCapacity } : {}) },
    );
    if (fresh) {
      this.active.add(guildId);
      void ref.whenStopped().then(() => {
        if (this.system.get(id) === undefined) {
          this.active.delete(guildId);
          this.withSessions.delete(guildId);
          this.memberWorkers?.release(guildId);
        }
      });
    }
    return ref;
  }

  /**
   * Called when a gateway node's stream ended: unless it reopens within
   * `gatewayGraceMs`, its sessions are detached from every guild here (a dead
   * gateway node must not keep members online).
   */
  streamEnded(gatewayNodeId: string): void {
    const timer = setTimeout(() => {
      if (this.batcher.hasStream(gatewayNodeId)) return;
      for (const guildId of this.activeGuildIds()) this.system.get<GuildMsg>(actorId(guildId))?.send({ type: 'detach-node', nodeId: gatewayNodeId });
    }, this.options.gatewayGraceMs ?? 60_000);
    timer.unref();
  }

  /** Whether the guild's actor is live on this node. */
  isActive(guildId: string): boolean {
    return this.system.get(actorId(guildId)) !== undefined;
  }

  /** Asks a guild actor, mapping actor failures to the project's errors. */
  async ask<R>(guildId: string, build: (reply: Reply<R>) => GuildMsg, timeoutMs?: number): Promise<R> {
    const ref = this.actor(guildId);
    try {
      return await ref.ask<R>(build, timeoutMs === undefined ? undefined : { timeoutMs });
    } catch (error) {
      if (error instanceof ChatError) throw error;
      if (error instanceof MailboxFullError) throw new OverloadedError(`guild ${guildId} is busy`, { cause: error });
      if (error instanceof AskTimeoutError) throw new DeadlineExceededError(`guild ${guildId} did not answer in time`, { cause: error });
      if (error instanceof ActorStoppedError || error instanceof ActorRestartedError) {
        const reason = ref.status === 'stopping' || ref.status === 'stopped' ? await ref.whenStopped() : undefined;
        if (reason?.error instanceof ChatError) throw reason.error;
        throw new UnavailableError(`guild ${guildId} is unavailable`, { cause: error });
      }
      throw error;
    }
  }

  /**
   * Detaches many sessions from one guild: one tell per session and one ask
   * for the last (the actor handles its mailbox in order, so the answer means
   * all of them are done), instead of one ask, timer and promise per session.
   * A full mailbox makes that detach an awaited ask. No-op when the guild's
   * actor is not live here.
   */
  async detachSessions(guildId: string, sessions: readonly { readonly sessionId: string; readonly nodeId?: string }[], timeoutMs?: number): Promise<void> {
    if (sessions.length === 0 || !this.owns(guildId) || !this.isActive(guildId)) return;
    const ref = this.actor(guildId);
    const last = sessions.length - 1;
    for (let i = 0; i < last; i += 1) {
      const { sessionId, nodeId } = sessions[i]!;
      try {
        ref.send({ type: 'detach', sessionId, ...(nodeId ? { nodeId } : {}) });
      } catch (error) {
        if (!(error instanceof MailboxFullError)) throw error;
        await this.ask<void>(guildId, (reply) => ({ type: 'detach', sessionId, ...(nodeId ? { nodeId } : {}), reply }), timeoutMs);
      }
    }
    const { sessionId, nodeId } = sessions[last]!;
    await this.ask<void>(guildId, (reply) => ({ type: 'detach', sessionId, ...(nodeId ? { nodeId } : {}), reply }), timeoutMs);
  }

  /** Guild actors live on this node. */
  activeGuildIds(): string[] {
    return [...this.active].filter((g) => this.isActive(g));
  }

  /** Tells actors of guilds that moved away to hand their sessions over (GuildMoved) and stop. */
  rebalance(): void {
    for (const guildId of this.activeGuildIds()) {
      const owner = this.ownerOf(guildId);
      if (owner !== this.nodeId) this.system.get<GuildMsg>(actorId(guildId))?.send({ type: 'moved', newOwnerNodeId: owner });
    }
  }

  /** Stops every actor and stream. */
  async stop(): Promise<void> {
    clearInterval(this.keepalive);
    this.unsubscribe();
    this.batcher.flush();
    this.batcher.close();
    await this.system.stopAll();
    await this.memberWorkers?.stop();
  }
}

/** Actor id of a guild. */
export function actorId(guildId: string): string {
  return `guild:${guildId}`;
}
