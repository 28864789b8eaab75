/**
 * The gateway node's relay: implements SessionRelay (sessions register,
 * attach, detach) and LocalSessions, keeps one GuildNodeLink (StreamDispatches)
 * per guild node and one GuildRelay per guild with local sessions. When a
 * guild node is lost or restarts, or a guild moves, its sessions get
 * GUILD_DELETE {unavailable:true} and, once the guild's owner answers again,
 * a fresh GUILD_CREATE.
 */
import { guildV1 } from '@chat/proto';
import { CallCoalescer } from './call-coalescer';
import { DetachCoalescer } from './detach-coalescer';
import { GuildNodeDownError, SessionNotRegisteredError } from './errors';
import { GuildNodeLink, type StreamSource } from './guild-node-link';
import { GuildRelay } from './guild-relay';
import { relayItem, type RelayMetrics } from './relay-metrics';
import {
  createDispatchFrame,
  type AttachGuildsResult,
  type GuildSubscriptionChange,
  type LocalSession,
  type LocalSessions,
  type SessionPresence,
  type SessionRelay,
} from './local-sessions';

/** The GuildService calls the relay makes (GuildRouter from @chat/guild-client fits). */
export interface RelayGuildClients {
  ownerOf(guildId: string): string;
  clientForNode(nodeId: string): StreamSource & {
    attachSession(request: guildV1.AttachSessionRequest, options?: { timeoutMs?: number }): Promise<guildV1.AttachSessionResponse>;
    /** Many attaches in one call; optional (a client without it gets one AttachSession per session). */
    attachSessions?(request: guildV1.AttachSessionsRequest, options?: { timeoutMs?: number }): Promise<guildV1.AttachSessionsResponse>;
    detachSession(request: guildV1.DetachSessionRequest, options?: { timeoutMs?: number }): Promise<guildV1.DetachSessionResponse>;
    /** Many detaches in one call; optional (a client without it gets one DetachSession per session). */
    detachSessions?(request: guildV1.DetachSessionsRequest, options?: { timeoutMs?: number }): Promise<guildV1.DetachSessionsResponse>;
    updateGuildSubscriptions(request: guildV1.UpdateGuildSubscriptionsRequest, options?: { timeoutMs?: number }): Promise<guildV1.UpdateGuildSubscriptionsResponse>;
    updatePresence(request: guildV1.UpdatePresenceRequest, options?: { timeoutMs?: number }): Promise<guildV1.UpdatePresenceResponse>;
  };
}

/** Options of the relay. */
export interface GatewayRelayOptions {
  /** This gateway node's id (AttachSession.node_id, StreamDispatches.node_id). */
  nodeId: string;
  guilds: RelayGuildClients;
  /** Deadline of guild calls (default 5000 ms). */
  timeoutMs?: number;
  /** Delay between re-attach attempts for unavailable guilds (default 1000 ms). */
  retryMs?: number;
  /** Detaches owed to one guild node within this window go out as one DetachSessions call (default 5 ms). */
  detachWindowMs?: number;
  /** Attaches (with the default deadline) owed to one guild node within this window go out as one AttachSessions call (default 2 ms). */
  attachWindowMs?: number;
  /** Logs failures; default silent. */
  onError?: (error: unknown, context: string) => void;
}

const STATUS: Record<SessionPresence['status'], guildV1.PresenceStatus> = {
  online: guildV1.PresenceStatus.ONLINE,
  idle: guildV1.PresenceStatus.IDLE,
  dnd: guildV1.PresenceStatus.DND,
  invisible: guildV1.PresenceStatus.INVISIBLE,
  offline: guildV1.PresenceStatus.OFFLINE,
};

function wirePresence(presence: SessionPresence): guildV1.Presence {
  return {
    status: STATUS[presence.status],
    activitiesJson: Buffer.from(JSON.stringify(presence.activities)),
    sinceMs: String(presence.since ?? 0),
    afk: presence.afk,
    platform: 'desktop',
  };
}

function inShard(session: LocalSession, guildId: string): boolean {
  if (!session.shard) return true;
  return (BigInt(guildId) >> 22n) % BigInt(session.shard.count) === BigInt(session.shard.id);
}

/** The gateway node's relay. */
export class GatewayRelay implements SessionRelay, LocalSessions {
  private readonly sessions = new Map<string, LocalSession>();
  private readonly guildsOf = new Map<string, Set<string>>();
  private readonly relays = new Map<string, GuildRelay>();
  private readonly links = new Map<string, GuildNodeLink>();
  private readonly pendingRetry = new Map<string, Set<string>>();
  private retryTimer: ReturnType<typeof setTimeout> | undefined;
  private retryDueAt = 0;
  private closed = false;
  /** Per session handed to another node: guilds whose SessionMoved fence arrived, and who waits for more. */
  private readonly fences = new Map<string, { fenced: Set<string>; changed?: () => void }>();
  /** Fan-out metrics (the gateway module sets them); none by default. */
  metrics: RelayMetrics | undefined;
  /** Coalesces DetachSession calls per guild node (mass disconnects). */
  readonly detaches: DetachCoalescer;
  /** Coalesces AttachSession calls per guild node (bursts of IDENTIFY). */
  readonly attaches: CallCoalescer<guildV1.AttachSessionRequest, guildV1.AttachSessionResponse>;

  constructor(private readonly options: GatewayRelayOptions) {
    const timeoutMs = options.timeoutMs ?? 5000;
    this.attaches = new CallCoalescer({
      sendBatch: (nodeId, sessions) => {
        const client = options.guilds.clientForNode(nodeId);
        if (!client.attachSessions) return undefined;
        return client.attachSessions({ sessions }, { timeoutMs }).then((response) => {
          if (response.results.length !== sessions.length) throw new Error(`AttachSessions at ${nodeId} answered ${response.results.length} of ${sessions.length}`);
          return response.results;
        });
      },
      sendOne: (nodeId, request) => options.guilds.clientForNode(nodeId).attachSession(request, { timeoutMs }),
      windowMs: options.attachWindowMs ?? 2,
    });
    this.detaches = new DetachCoalescer({
      client: (nodeId) => options.guilds.clientForNode(nodeId),
      timeoutMs: options.timeoutMs ?? 5000,
      ...(options.detachWindowMs === undefined ? {} : { windowMs: options.detachWindowMs }),
      ...(options.onError ? { onError: options.onError } : {}),
    });
  }

  get size(): number {
    return this.sessions.size;
  }

  get(sessionId: string): LocalSession | undefined {
    return this.sessions.get(sessionId);
  }

  forUser(userId: string): readonly LocalSession[] {
    return [...this.sessions.values()].filter((s) => s.userId === userId);
  }

  /** The relay of a guild, if any local session is in it (tests, metrics). */
  relayOf(guildId: string): GuildRelay | undefined {
    return this.relays.get(guildId);
  }

  /** The stream link to a guild node, if open. */
  linkOf(guildNodeId: string): GuildNodeLink | undefined {
    return this.links.get(guildNodeId);
  }

  register(session: LocalSession): void {
    this.sessions.set(session.sessionId, session);
    if (!this.guildsOf.has(session.sessionId)) this.guildsOf.set(session.sessionId, new Set());
  }

  async attachGuilds(
    sessionId: string,
    guildIds: readonly string[],
    options: { readonly resuming?: boolean; readonly presence?: SessionPresence; readonly deadlineMs?: number } = {},
  ): Promise<AttachGuildsResult> {
    const session = this.requireSession(sessionId);
    const wanted = guildIds.filter((g) => inShard(session, g));
    const byOwner = new Map<string, string[]>();
    const unavailable: string[] = [];
    for (const guildId of wanted) {
      try {
        const owner = this.options.guilds.ownerOf(guildId);
        byOwner.set(owner, [...(byOwner.get(owner) ?? []), guildId]);
      } catch {
        unavailable.push(guildId);
      }
    }
    const attached: AttachGuildsResult['attached'][number][] = [];
    const notMember: string[] = [];
    // Guilds whose owner is a node already known dead: the ring drops it within its probe interval, so look again soon.
    const ownerDown = new Set<string>();
    await Promise.all(
      [...byOwner].map(async ([owner, ids]) => {
        try {
          const response = await this.attachAt(owner, session, ids, options);
          for (const a of response.guilds) attached.push({ guildId: a.guildId, mode: a.mode === guildV1.SessionMode.PASSIVE ? 'passive' : 'active', guildCreateJson: a.guildCreateJson });
          unavailable.push(...response.unavailableGuildIds);
          notMember.push(...response.notMemberGuildIds);
        } catch (error) {
          if (error instanceof GuildNodeDownError) for (const id of ids) ownerDown.add(id);
          else this.options.onError?.(error, `attach at ${owner}`);
          unavailable.push(...ids);
        }
      }),
    );
    for (const guildId of unavailable) this.scheduleRetry(guildId, sessionId, ownerDown.has(guildId) ? this.fastRetryMs() : undefined);
    const order = new Map(wanted.map((g, i) => [g, i]));
    attached.sort((a, b) => (order.get(a.guildId) ?? 0) - (order.get(b.guildId) ?? 0));
    return { attached, unavailable, notMember };
  }

  async detachGuilds(sessionId: string, guildIds: readonly string[]): Promise<void> {
    const session = this.sessions.get(sessionId);
    if (!session) return;
    const byOwner = new Map<string, string[]>();
    for (const guildId of guildIds) {
      const relay = this.relays.get(guildId);
      relay?.remove(sessionId);
      this.guildsOf.get(sessionId)?.delete(guildId);
      if (relay && relay.size === 0) this.relays.delete(guildId);
      const owner = relay?.ownerNodeId ?? this.safeOwner(guildId);
      if (owner !== undefined) byOwner.set(owner, [...(byOwner.get(owner) ?? []), guildId]);
    }
    await Promise.all([...byOwner].map(([owner, ids]) => this.detaches.detach(owner, { sessionId, userId: session.userId, nodeId: this.options.nodeId, guildIds: ids })));
  }

  async updateSubscriptions(sessionId: string, changes: readonly GuildSubscriptionChange[]): Promise<void> {
    const session = this.requireSession(sessionId);
    const byOwner = new Map<string, GuildSubscriptionChange[]>();
    for (const change of changes) {
      const relay = this.relays.get(change.guildId);
      if (!relay?.has(sessionId)) continue;
      byOwner.set(relay.ownerNodeId, [...(byOwner.get(relay.ownerNodeId) ?? []), change]);
    }
    await Promise.all(
      [...byOwner].map(async ([owner, subs]) => {
        const response = await this.options.guilds.clientForNode(owner).updateGuildSubscriptions(
          {
            sessionId,
            userId: session.userId,
            subscriptions: subs.map((s) => ({ guildId: s.guildId, active: s.active, typing: s.typing ?? false, activities: s.activities ?? false, threads: false, memberIds: [...(s.memberIds ?? [])] })),
          },
          { timeoutMs: this.timeout() },
        );
        // Takes effect before the next dispatch: the stream's SessionModeChange carries the same mode later.
        for (const result of response.results) this.relays.get(result.guildId)?.setMode(sessionId, result.mode);
      }),
    );
  }

  async updatePresence(sessionId: string, presence: SessionPresence): Promise<void> {
    const session = this.requireSession(sessionId);
    const byOwner = new Map<string, string[]>();
    for (const guildId of this.guildsOf.get(sessionId) ?? []) {
      const owner = this.relays.get(guildId)?.ownerNodeId;
      if (owner !== undefined) byOwner.set(owner, [...(byOwner.get(owner) ?? []), guildId]);
    }
    await Promise.all(
      [...byOwner].map(([owner, guildIds]) =>
        this.options.guilds.clientForNode(owner).updatePresence({ userId: session.userId, sessionId, guildIds, presence: wirePresence(presence) }, { timeoutMs: this.timeout() }),
      ),
    );
  }

  async unregister(sessionId: string): Promise<void> {
    const guilds = [...(this.guildsOf.get(sessionId) ?? [])];
    await this.detachGuilds(sessionId, guilds);
    this.forget(sessionId);
  }

  /**
   * Waits until every guild in `guildIds` has fenced the session (its
   * SessionMoved item arrived: nothing more of that guild comes here for it),
   * or `timeoutMs` passed. Answers the guilds still unfenced.
   */
  async awaitSessionMoved(sessionId: string, guildIds: readonly string[], timeoutMs: number): Promise<string[]> {
    const fence = this.fences.get(sessionId) ?? { fenced: new Set<string>() };
    this.fences.set(sessionId, fence);
    const missing = (): string[] => guildIds.filter((g) => !fence.fenced.has(g) && this.relays.get(g)?.has(sessionId) === true);
    if (missing().length === 0) return [];
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, timeoutMs);
      fence.changed = () => {
        if (missing().length > 0) return;
        clearTimeout(timer);
        resolve();
      };
    });
    fence.changed = undefined;
    return missing();
  }

  /**
   * Forgets a session that moved to another gateway node: delivery stops at
   * once, and no guild is told to detach it (they hold it for its new node).
   */
  release(sessionId: string): void {
    for (const guildId of this.guildsOf.get(sessionId) ?? []) {
      const relay = this.relays.get(guildId);
      relay?.remove(sessionId);
      if (relay && relay.size === 0) this.relays.delete(guildId);
    }
    this.forget(sessionId);
  }

  /** Drops what this relay keeps of a session once it is out of its guilds here. */
  private forget(sessionId: string): void {
    this.sessions.delete(sessionId);
    this.guildsOf.delete(sessionId);
    this.fences.delete(sessionId);
    for (const pending of this.pendingRetry.values()) pending.delete(sessionId);
  }

  /** Closes every stream and timer. */
  async close(): Promise<void> {
    this.closed = true;
    if (this.retryTimer !== undefined) clearTimeout(this.retryTimer);
    await Promise.all([this.attaches.flushAll(), this.detaches.flushAll()]);
    await Promise.all([...this.links.values()].map((link) => link.close()));
    this.links.clear();
  }

  private async attachAt(
    owner: string,
    session: LocalSession,
    guildIds: string[],
    options: { resuming?: boolean; presence?: SessionPresence; deadlineMs?: number; movedFrom?: bigint },
  ): Promise<guildV1.AttachSessionResponse> {
    const link = this.link(owner);
    // A node whose stream broke and would not reopen is taken for dead: fail now, and the retry a moment
    // later finds the guild's next owner once the ring has dropped it, instead of waiting out the deadline.
    if (link.down) throw new GuildNodeDownError(owner);
    const timeoutMs = options.deadlineMs ?? this.timeout();
    let timer: ReturnType<typeof setTimeout> | undefined;
    await Promise.race([
      link.whenOpen(),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`guild node ${owner} stream did not open in ${timeoutMs} ms`)), timeoutMs);
      }),
    ]).finally(() => clearTimeout(timer));
    const request: guildV1.AttachSessionRequest = {
      sessionId: session.sessionId,
      userId: session.userId,
      nodeId: this.options.nodeId,
      guildIds,
      intents: session.intents,
      allowPassive: session.allowPassive,
      largeThreshold: session.largeThreshold,
      resuming: options.resuming ?? false,
      movedFromSequence: (options.movedFrom ?? 0n).toString(),
      ...(options.presence ? { presence: wirePresence(options.presence) } : {}),
    };
    // With the default deadline the attach rides in the node's next AttachSessions batch; a caller's own deadline gets its own call.
    const response =
      options.deadlineMs === undefined
        ? await this.attaches.call(owner, request)
        : await this.options.guilds.clientForNode(owner).attachSession(request, { timeoutMs });
    if (!this.sessions.has(session.sessionId)) return response; // unregistered meanwhile
    // A moved guild keeps its relay and its sessions: only their mode and access come from the new owner.
    if (options.movedFrom !== undefined) return response;
    for (const attachment of response.guilds) {
      let relay = this.relays.get(attachment.guildId);
      if (!relay) {
        relay = new GuildRelay(attachment.guildId, owner, {
          memberRemoved: (guildId, sessions) => this.memberRemoved(guildId, sessions),
          guildMoved: (guildId, newOwnerNodeId) => this.guildMoved(guildId, newOwnerNodeId),
          sessionMoved: (guildId, sessionId, toNodeId) => this.sessionMoved(guildId, sessionId, toNodeId),
        });
        this.relays.set(attachment.guildId, relay);
      }
      relay.ownerNodeId = owner;
      relay.add(session, attachment);
      this.guildsOf.get(session.sessionId)?.add(attachment.guildId);
    }
    return response;
  }

  private link(owner: string): GuildNodeLink {
    let link = this.links.get(owner);
    if (link) return link;
    link = new GuildNodeLink(owner, this.options.nodeId, () => this.options.guilds.clientForNode(owner), {
      cursors: (node) => [...this.relays.values()].filter((r) => r.ownerNodeId === node && r.lastSequence >= 0n).map((r) => ({ guildId: r.guildId, sequence: r.lastSequence.toString() })),
      batch: (_node, batch) => {
        const relay = this.relays.get(batch.guildId);
        if (relay) for (const item of batch.items) relayItem(relay, item, this.metrics);
      },
      opened: (node, hello, restarted) => {
        const guilds = restarted ? [...this.relays.values()].filter((r) => r.ownerNodeId === node).map((r) => r.guildId) : hello.resyncGuildIds;
        for (const guildId of guilds) this.guildLost(guildId);
      },
      lost: (node, error) => {
        this.options.onError?.(error, `guild node ${node} lost`);
        for (const relay of [...this.relays.values()]) if (relay.ownerNodeId === node) this.guildLost(relay.guildId);
      },
    });
    this.links.set(owner, link);
    link.start();
    return link;
  }

  /**
   * The guild's owner handed it to another node (the ring changed): the
   * sessions stay in it, with no GUILD_DELETE. They are re-attached at the new
   * owner (resuming, in one AttachSessions), which sends this node, before
   * anything later, every item it emitted before they got there. Should that
   * fail, the guild is lost as after a crash (GUILD_DELETE, then GUILD_CREATE).
   */
  private guildMoved(guildId: string, newOwnerNodeId: string): void {
    const relay = this.relays.get(guildId);
    if (!relay) return;
    const readUpTo = relay.lastSequence > 0n ? relay.lastSequence : 1n;
    relay.restartSequence();
    void (async () => {
      let complete = true;
      try {
        // The new owner may be a node that just came back, whose stream is still in its reopen backoff, and which
        // this node's own ring may take in a moment later than the old owner's did: keep cutting the backoff short.
        const link = this.link(newOwnerNodeId);
        const opened = link.whenOpen();
        const deadline = Date.now() + this.timeout();
        while (!link.isOpen && Date.now() < deadline) {
          link.wake();
          await Promise.race([opened, new Promise((resolve) => setTimeout(resolve, 100))]);
        }
        if (!link.isOpen) throw new Error(`guild node ${newOwnerNodeId} stream did not open in ${this.timeout()} ms`);
        // Only now: a reopened stream of a restarted node loses the guilds it owned before, not this one.
        relay.ownerNodeId = newOwnerNodeId;
        const entries = relay.list();
        const responses = await Promise.all(entries.map((entry) => this.attachAt(newOwnerNodeId, entry.session, [guildId], { resuming: true, movedFrom: readUpTo })));
        entries.forEach((entry, i) => {
          const attachment = responses[i]!.guilds[0];
          if (!attachment || attachment.movedIncomplete) complete = false;
          else relay.refresh(entry.sessionId, attachment);
        });
      } catch (error) {
        this.options.onError?.(error, `moving guild ${guildId} to ${newOwnerNodeId}`);
        complete = false;
      }
      if (!complete && this.relays.get(guildId) === relay) this.guildLost(guildId);
    })();
  }

  /** The guild's sessions get GUILD_DELETE unavailable; they are re-attached (GUILD_CREATE) when the owner answers. */
  private guildLost(guildId: string): void {
    const relay = this.relays.get(guildId);
    if (!relay) return;
    relay.broadcast(createDispatchFrame('GUILD_DELETE', JSON.stringify({ id: guildId, unavailable: true }), guildId));
    this.relays.delete(guildId);
    for (const entry of relay.list()) {
      this.guildsOf.get(entry.sessionId)?.delete(guildId);
      // The ring drops a dead node within its probe interval, and until then an attach to it fails at once (link down),
      // so looking again every quarter interval costs nothing and saves most of a second.
      this.scheduleRetry(guildId, entry.sessionId, this.fastRetryMs());
    }
  }

  /** A guild fenced a local session that was attached from another node; false when the move is to this node (a replayed item). */
  private sessionMoved(guildId: string, sessionId: string, toNodeId: string): boolean {
    if (toNodeId === this.options.nodeId) return false;
    this.guildsOf.get(sessionId)?.delete(guildId);
    const fence = this.fences.get(sessionId) ?? { fenced: new Set<string>() };
    this.fences.set(sessionId, fence);
    fence.fenced.add(guildId);
    // The guild's relay drops the session right after this returns; look again once it has.
    queueMicrotask(() => {
      if (this.relays.get(guildId)?.size === 0) this.relays.delete(guildId);
      fence.changed?.();
    });
    return true;
  }

  private memberRemoved(guildId: string, sessions: LocalSession[]): void {
    for (const session of sessions) {
      this.guildsOf.get(session.sessionId)?.delete(guildId);
      session.guildRemoved?.(guildId, 'member-removed');
    }
    if (this.relays.get(guildId)?.size === 0) this.relays.delete(guildId);
  }

  private scheduleRetry(guildId: string, sessionId: string, delayMs = this.options.retryMs ?? 1000): void {
    if (this.closed) return;
    const set = this.pendingRetry.get(guildId) ?? new Set<string>();
    set.add(sessionId);
    this.pendingRetry.set(guildId, set);
    const dueAt = Date.now() + delayMs;
    // One timer for every pending guild; a sooner retry moves it earlier.
    if (this.retryTimer !== undefined && this.retryDueAt <= dueAt) return;
    if (this.retryTimer !== undefined) clearTimeout(this.retryTimer);
    this.retryDueAt = dueAt;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      void this.retryAll();
    }, delayMs);
    this.retryTimer.unref();
  }

  /** Retry delay while a guild's owner is a node known dead: a quarter of the usual one. */
  private fastRetryMs(): number {
    return Math.max(50, Math.floor((this.options.retryMs ?? 1000) / 4));
  }

  private async retryAll(): Promise<void> {
    const pending = [...this.pendingRetry];
    this.pendingRetry.clear();
    await Promise.all(
      pending.flatMap(([guildId, sessionIds]) =>
        [...sessionIds].map(async (sessionId) => {
          const session = this.sessions.get(sessionId);
          if (!session) return;
          const result = await this.attachGuilds(sessionId, [guildId]).catch(() => undefined);
          const attachment = result?.attached[0];
          if (attachment && attachment.guildCreateJson.length > 0) session.deliver(createDispatchFrame('GUILD_CREATE', attachment.guildCreateJson, guildId));
          else if (result?.notMember.includes(guildId)) session.guildRemoved?.(guildId, 'unavailable');
        }),
      ),
    );
  }

  private safeOwner(guildId: string): string | undefined {
    try {
      return this.options.guilds.ownerOf(guildId);
    } catch {
      return undefined;
    }
  }

  private requireSession(sessionId: string): LocalSession {
    const session = this.sessions.get(sessionId);
    if (!session) throw new SessionNotRegisteredError(sessionId);
    return session;
  }

  private timeout(): number {
    return this.options.timeoutMs ?? 5000;
  }
}
