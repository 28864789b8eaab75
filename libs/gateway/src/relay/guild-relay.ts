/**
 * One guild's relay on a gateway node: the local sessions attached to the
 * guild with their mode and access, fed by the guild's stream items in
 * sequence order. Each dispatch is serialised at most twice (full and
 * redacted), and the same frame object goes to every matching session.
 */
import { guildV1 } from '@chat/proto';
import { redactMessagePayload, isMessageEvent, selectPayload, type FilterSubject } from './dispatch-filter';
import { createDispatchFrame, type DispatchFrame, type LocalSession } from './local-sessions';
import { tracingEnabled } from '@chat/observability';
import { traceDelivery } from './relay-tracing';

/** A session attached to this guild. */
export interface RelaySession extends FilterSubject {
  readonly session: LocalSession;
  mode: guildV1.SessionMode;
  roleIds: Set<string>;
  viewable: Set<string>;
  attachedAt: bigint;
}

/** What the relay tells its owner about (member removed, guild moved). */
export interface GuildRelayEvents {
  memberRemoved(guildId: string, sessions: LocalSession[]): void;
  guildMoved(guildId: string, newOwnerNodeId: string): void;
  /** A session was attached from another gateway node; true when it left this node (the relay then drops it here). */
  sessionMoved(guildId: string, sessionId: string, toNodeId: string): boolean;
}

const RECENT_ITEMS = 256;

/** Per-guild relay. */
export class GuildRelay {
  private readonly sessions = new Map<string, RelaySession>();
  private readonly recent: guildV1.DispatchItem[] = [];
  /** Highest sequence received for the guild (the stream cursor). */
  lastSequence = -1n;
  /** Dispatch frames built, for tests and metrics. */
  framesBuilt = 0;
  /** Frames handed to sessions (one per session per dispatch), for metrics. */
  sessionsWritten = 0;

  constructor(
    readonly guildId: string,
    /** The guild node that serves this guild's stream now. */
    public ownerNodeId: string,
    private readonly events: GuildRelayEvents,
  ) {}

  /** Number of attached local sessions. */
  get size(): number {
    return this.sessions.size;
  }

  /** Attached sessions. */
  list(): RelaySession[] {
    return [...this.sessions.values()];
  }

  /** Whether a session is attached here. */
  has(sessionId: string): boolean {
    return this.sessions.has(sessionId);
  }

  /**
   * Attaches a session from its GuildAttachment; items already received with
   * a sequence above the snapshot's are delivered to it at once.
   */
  add(session: LocalSession, attachment: guildV1.GuildAttachment): void {
    const entry: RelaySession = {
      session,
      sessionId: session.sessionId,
      userId: session.userId,
      intents: session.intents,
      mode: attachment.mode,
      roleIds: new Set(attachment.access?.roleIds ?? []),
      viewable: new Set(attachment.access?.viewableChannelIds ?? []),
      attachedAt: BigInt(attachment.sequence || '0'),
    };
    this.sessions.set(session.sessionId, entry);
    for (const item of this.recent) {
      if (BigInt(item.sequence) > entry.attachedAt) this.apply(item, [entry]);
    }
  }

  /**
   * The guild moved to another guild node, which numbers its items afresh:
   * every item from now on is new to the sessions here, whatever its
   * sequence compared with the previous owner's.
   */
  restartSequence(): void {
    this.lastSequence = -1n;
    this.recent.length = 0;
    for (const entry of this.sessions.values()) entry.attachedAt = -1n;
  }

  /** Takes a session's mode and access from its attachment at the guild's new owner (the session stays, with what it was sent). */
  refresh(sessionId: string, attachment: guildV1.GuildAttachment): boolean {
    const entry = this.sessions.get(sessionId);
    if (!entry) return false;
    entry.mode = attachment.mode;
    entry.roleIds = new Set(attachment.access?.roleIds ?? []);
    entry.viewable = new Set(attachment.access?.viewableChannelIds ?? []);
    return true;
  }

  /** Detaches a session. */
  remove(sessionId: string): boolean {
    return this.sessions.delete(sessionId);
  }

  /** Sets a session's mode directly (after UpdateGuildSubscriptions answered). */
  setMode(sessionId: string, mode: guildV1.SessionMode): void {
    const entry = this.sessions.get(sessionId);
    if (entry) entry.mode = mode;
  }

  /** Handles one stream item; items at or below the last sequence are duplicates and ignored. */
  handle(item: guildV1.DispatchItem): void {
    const sequence = BigInt(item.sequence);
    if (sequence <= this.lastSequence) return;
    this.lastSequence = sequence;
    this.recent.push(item);
    if (this.recent.length > RECENT_ITEMS) this.recent.shift();
    this.apply(item, this.sessions.values());
  }

  /** Delivers a frame to every session (GUILD_DELETE unavailable, GUILD_CREATE after a move). */
  broadcast(frame: DispatchFrame): void {
    for (const entry of this.sessions.values()) entry.session.deliver(frame);
  }

  private apply(item: guildV1.DispatchItem, targets: Iterable<RelaySession>): void {
    const body = item.item;
    if (!body) return;
    const sequence = BigInt(item.sequence);
    switch (body.$case) {
      case 'dispatch':
        if (tracingEnabled()) traceDelivery(this.guildId, sequence, body.dispatch, () => this.deliver(body.dispatch, sequence, targets));
        else this.deliver(body.dispatch, sequence, targets);
        return;
      case 'memberAccess':
        for (const entry of targets) {
          if (entry.userId !== body.memberAccess.userId) continue;
          entry.roleIds = new Set(body.memberAccess.roleIds);
          entry.viewable = new Set(body.memberAccess.viewableChannelIds);
        }
        return;
      case 'sessionMode': {
        for (const entry of targets) if (entry.sessionId === body.sessionMode.sessionId) entry.mode = body.sessionMode.mode;
        return;
      }
      case 'memberRemoved': {
        const removed: RelaySession[] = [];
        for (const entry of targets) if (entry.userId === body.memberRemoved.userId) removed.push(entry);
        for (const entry of removed) this.sessions.delete(entry.sessionId);
        if (removed.length > 0) this.events.memberRemoved(this.guildId, removed.map((r) => r.session));
        return;
      }
      case 'guildMoved':
        this.events.guildMoved(this.guildId, body.guildMoved.newOwnerNodeId);
        return;
      case 'sessionMoved': {
        const { sessionId, nodeId } = body.sessionMoved;
        for (const entry of targets) {
          if (entry.sessionId === sessionId && this.events.sessionMoved(this.guildId, sessionId, nodeId)) {
            this.sessions.delete(sessionId);
            return;
          }
        }
        return;
      }
    }
  }

  /** Writes the dispatch to every target that may see it; returns how many sessions it wrote to. */
  private deliver(dispatch: guildV1.Dispatch, sequence: bigint, targets: Iterable<RelaySession>): number {
    let full: DispatchFrame | undefined;
    let redacted: DispatchFrame | undefined;
    let written = 0;
    for (const entry of targets) {
      const selection = selectPayload(dispatch, sequence, entry);
      if (selection === undefined) continue;
      written += 1;
      if (selection === 'full' || !isMessageEvent(dispatch.type)) {
        full ??= this.frame(dispatch.type, dispatch.payloadJson);
        entry.session.deliver(full);
      } else {
        redacted ??= this.frame(dispatch.type, dispatch.redactedPayloadJson.length > 0 ? dispatch.redactedPayloadJson : redactMessagePayload(dispatch.payloadJson));
        entry.session.deliver(redacted);
      }
    }
    this.sessionsWritten += written;
    return written;
  }

  private frame(type: string, payload: Buffer): DispatchFrame {
    this.framesBuilt += 1;
    return createDispatchFrame(type, payload, this.guildId);
  }
}
