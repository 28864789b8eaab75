/**
 * The gateway node's sessions: spawns one session actor per IDENTIFY,
 * registers it with the relay and the local registry, finds it again on
 * RESUME, and drains every session with RECONNECT.
 */
import { ActorSystem, type ActorRef } from '@chat/actor';
import type { DispatchFrame, LocalSession, SessionRelay } from '../relay/local-sessions';
import type { MemberLister } from './member-lister';
import { SessionOutput } from './session-output';
import { SessionRegistry } from './session-registry';
import type { HandoffBeginOutcome, SessionMsg } from './session.messages';
import { sessionBehaviour, type SessionIdentity, type SessionView } from './session.actor';
import type { SessionTransport } from './session-transport';
import { inShard } from './shard';
import type { SessionVoice } from './session-voice';

/** Options of the hub. */
export interface SessionHubOptions {
  readonly relay: SessionRelay;
  readonly members: MemberLister;
  readonly replayCapacity: number;
  readonly resumeWindowMs: number;
  readonly log: { warn(obj: object, msg: string): void };
  /** Voice (op 4) through the guild service; absent in unit tests. */
  readonly voice?: SessionVoice;
  /** Shared actor system; the hub makes its own by default. */
  readonly system?: ActorSystem;
}

/** A session as its connection holds it. */
export type SessionRef = ActorRef<SessionMsg, SessionView>;

/** Registry plus lifecycle of the node's session actors. */
export class SessionHub {
  /** The relay's read view (LocalSessions). */
  readonly registry = new SessionRegistry();
  /** The session actors (metrics sample their mailboxes). */
  readonly system: ActorSystem;
  private readonly refs = new Map<string, SessionRef>();
  /** Relay unregisters in flight (DetachSession calls), awaited by stopAll. */
  private readonly unregistering = new Set<Promise<void>>();

  constructor(private readonly options: SessionHubOptions) {
    this.system = options.system ?? new ActorSystem();
  }

  /** Starts a session after a successful IDENTIFY: READY and GUILD_CREATEs follow on `transport`. */
  open(identity: SessionIdentity, transport: SessionTransport): SessionRef {
    // Held until the 'start' turn has written READY and the GUILD_CREATEs.
    const ref = this.spawn(identity, new SessionOutput(this.options.replayCapacity, transport));
    ref.send({ type: 'start' });
    return ref;
  }

  /**
   * Takes over a session another gateway node held (its RESUME landed here):
   * numbering goes on from the client's `sequence`; the caller sends 'adopt'.
   */
  adopt(identity: SessionIdentity, transport: SessionTransport, sequence: number): SessionRef {
    const output = new SessionOutput(this.options.replayCapacity, transport);
    output.sequence = sequence;
    return this.spawn(identity, output);
  }

  /** First half of handing a session to another node: the guilds it is in, or why it cannot move ('gone' also when it is not here or not the user's). */
  async beginHandoff(sessionId: string, userId: string, sequence: number): Promise<HandoffBeginOutcome> {
    const ref = this.refs.get(sessionId);
    if (!ref || this.registry.get(sessionId)?.userId !== userId) return { outcome: 'gone' };
    return ref.ask<HandoffBeginOutcome>((reply) => ({ type: 'handoff-begin', sequence, reply }), { timeoutMs: 5_000 });
  }

  /**
   * Second half: waits (at most `fenceMs`) for the guilds the other node attached to fence the session, then
   * answers its dispatches after `sequence` and forgets it. Undefined when it is gone or the buffer no longer covers `sequence`.
   */
  async finishHandoff(sessionId: string, sequence: number, movedGuildIds: readonly string[], fenceMs: number): Promise<{ frames: readonly DispatchFrame[]; unfenced: string[] } | undefined> {
    const ref = this.refs.get(sessionId);
    if (!ref) return undefined;
    const unfenced = await this.options.relay.awaitSessionMoved(sessionId, movedGuildIds, fenceMs);
    const frames = await ref.ask<readonly DispatchFrame[] | undefined>((reply) => ({ type: 'handoff-finish', sequence, reply }), { timeoutMs: 5_000 });
    return frames ? { frames, unfenced } : undefined;
  }

  /** Waits until every session has moved away or ended, at most `timeoutMs` (a draining node's grace). */
  async whenEmpty(timeoutMs: number): Promise<boolean> {
    const until = Date.now() + timeoutMs;
    while (this.refs.size > 0 && Date.now() < until) await new Promise((resolve) => setTimeout(resolve, 50));
    return this.refs.size === 0;
  }

  private spawn(identity: SessionIdentity, output: SessionOutput): SessionRef {
    const { relay } = this.options;
    output.hold();
    const ref: SessionRef = this.system.spawn(`session:${identity.sessionId}`, sessionBehaviour(identity, {
      relay,
      members: this.options.members,
      output,
      resumeWindowMs: this.options.resumeWindowMs,
      log: this.options.log,
      onEnded: (sessionId) => this.forget(sessionId),
      onMoved: (sessionId) => this.forgetMoved(sessionId),
      ...(this.options.voice ? { voice: this.options.voice } : {}),
    }));
    const local: LocalSession = {
      sessionId: identity.sessionId,
      userId: identity.userId,
      intents: identity.intents,
      ...(identity.shard ? { shard: identity.shard } : {}),
      allowPassive: identity.allowPassive,
      largeThreshold: identity.largeThreshold,
      // Straight to the output (no mailbox hop): the relay's hot path, one call per session and dispatch.
      deliver: (frame: DispatchFrame) => output.deliver(frame),
      guildRemoved: (guildId: string) => ref.send({ type: 'guild-removed', guildId }),
    };
    this.refs.set(identity.sessionId, ref);
    this.registry.add(local);
    relay.register(local);
    return ref;
  }

  /** The session actor of a live session, for RESUME; undefined when unknown or ended. */
  find(sessionId: string): SessionRef | undefined {
    return this.refs.get(sessionId);
  }

  /**
   * Delivers one frame to every session of some users (DMs, user-level
   * events), skipping `exclude` and sessions without any of `intents` (0: no
   * requirement). Returns how many sessions got it.
   */
  deliverToUsers(userIds: readonly string[], frame: DispatchFrame, filter: { exclude?: readonly string[]; intents?: number; shardGuildId?: string; only?: readonly string[] } = {}): number {
    const excluded = new Set(filter.exclude ?? []);
    const intents = filter.intents ?? 0;
    const only = filter.only && filter.only.length > 0 ? new Set(filter.only) : undefined;
    let delivered = 0;
    for (const userId of new Set(userIds)) {
      for (const session of this.registry.forUser(userId)) {
        if (excluded.has(session.sessionId)) continue;
        if (only && !only.has(session.sessionId)) continue;
        if (intents !== 0 && (session.intents & intents) === 0) continue;
        if (filter.shardGuildId !== undefined && !inShard(filter.shardGuildId, session.shard)) continue;
        session.deliver(frame);
        delivered += 1;
      }
    }
    return delivered;
  }

  /** Attaches every session of a user to a guild they joined (GUILD_CREATE follows); returns how many attached. */
  async attachUserToGuild(userId: string, guildId: string): Promise<number> {
    const results = await Promise.all(
      this.registry.forUser(userId).map((session) =>
        this.refs.get(session.sessionId)?.ask<boolean>((reply) => ({ type: 'attach-guild', guildId, reply }), { timeoutMs: 5_000 }).catch(() => false),
      ),
    );
    return results.filter((ok) => ok === true).length;
  }

  /** Ends every session of a user with a close code; returns how many. */
  disconnectUser(userId: string, code: number, reason: string): number {
    const sessions = this.registry.forUser(userId);
    for (const session of sessions) this.refs.get(session.sessionId)?.send({ type: 'end', code, reason });
    return sessions.length;
  }

  /** Sends op 7 RECONNECT to every connected session (node drain); sessions stay resumable. */
  drain(): void {
    for (const ref of this.refs.values()) ref.send({ type: 'reconnect' });
  }

  /** Ends every session with `code` (shutdown). */
  async stopAll(code = 4000, reason = 'gateway stopping'): Promise<void> {
    const refs = [...this.refs.values()];
    for (const ref of refs) ref.send({ type: 'end', code, reason });
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      Promise.all(refs.map((ref) => ref.whenStopped())),
      new Promise((resolve) => (timer = setTimeout(resolve, 2_000))),
    ]);
    clearTimeout(timer);
    await this.system.stopAll();
    await Promise.allSettled([...this.unregistering]);
    this.refs.clear();
  }

  /** Number of live sessions. */
  get size(): number {
    return this.refs.size;
  }

  /** A session that moved to another node: forgotten here, its guilds keep it for the new node. */
  private forgetMoved(sessionId: string): void {
    const ref = this.refs.get(sessionId);
    this.refs.delete(sessionId);
    this.registry.remove(sessionId);
    this.options.relay.release(sessionId);
    if (ref) queueMicrotask(() => void ref.stop());
  }

  private forget(sessionId: string): void {
    const ref = this.refs.get(sessionId);
    this.refs.delete(sessionId);
    this.registry.remove(sessionId);
    const pending = this.options.relay
      .unregister(sessionId)
      .catch((error: unknown) => this.options.log.warn({ err: error, sessionId }, 'relay unregister failed'))
      .finally(() => this.unregistering.delete(pending));
    this.unregistering.add(pending);
    // Stop after the current message: `end` runs inside the actor's own turn.
    if (ref) queueMicrotask(() => void ref.stop());
  }
}
