/**
 * The contract between the gateway node's dispatch relay (libs/gateway/src/relay,
 * engineer GUILD) and the session actors that hold the WebSockets
 * (libs/gateway/src/session + ws, engineer WS).
 *
 * Direction of calls:
 *
 *   session actor --register/attachGuilds/detachGuilds/unregister--> SessionRelay
 *   SessionRelay  --deliver(frame) / guildRemoved(...)-------------> LocalSession
 *
 * The relay holds one StreamDispatches stream per guild node and, per guild,
 * the set of local sessions attached to it (with their mode and access). For
 * each dispatch it decides which sessions get it (intents, VIEW_CHANNEL,
 * passive/active, mentions, attach sequence), serialises the body ONCE, and
 * calls `deliver(frame)` on each matching session with the SAME frame object.
 * Only the `s` differs per session, so the session wraps the shared body with
 * {@link encodeDispatchFrame} when it writes to its socket.
 *
 * Ownership rules:
 * - `deliver` is called from the relay's stream handler; it must not throw and
 *   must not block (enqueue into the session actor's mailbox/resume buffer,
 *   then return). Frames of one guild arrive in guild-sequence order.
 * - The relay never closes sockets; it calls `guildRemoved` and the session
 *   decides what to do (for example nothing beyond sending the GUILD_DELETE
 *   frame the relay already delivered).
 * - A session's identity fields (`sessionId`, `userId`, `intents`, `shard`)
 *   must not change after `register`.
 */

/**
 * One pre-serialised Discord dispatch (op 0). `body` is the UTF-8 bytes of
 * `"t":"<type>","d":<payload>` WITHOUT the surrounding braces and without
 * `op`/`s`, shared by every session that receives it; the per-session frame
 * is `{"op":0,"s":<seq>,` + body + `}` (see {@link encodeDispatchFrame}).
 * Treat `body` as immutable.
 */
export interface DispatchFrame {
  /** Dispatch name, the `t` of the frame (for example "MESSAGE_CREATE"). */
  readonly type: string;
  /** `"t":"<type>","d":<payload>` as UTF-8 bytes. */
  readonly body: Buffer;
  /** Guild the dispatch belongs to, when it came from a guild relay. */
  readonly guildId?: string;
}

/**
 * Builds a {@link DispatchFrame} from a dispatch name and its `d` payload,
 * already serialised as JSON (bytes or string). Called once per dispatch.
 */
export function createDispatchFrame(
  type: string,
  payloadJson: Uint8Array | string,
  guildId?: string,
): DispatchFrame {
  const head = Buffer.from(`"t":${JSON.stringify(type)},"d":`, 'utf8');
  const payload = typeof payloadJson === 'string' ? Buffer.from(payloadJson, 'utf8') : Buffer.from(payloadJson);
  const body = Buffer.concat([head, payload.length > 0 ? payload : Buffer.from('null')]);
  return guildId === undefined ? { type, body } : { type, body, guildId };
}

/** `{"op":0,"s":` is 12 ASCII bytes; a safe integer has at most 16 digits, then `,`. */
const MAX_PREFIX_BYTES = 12 + 16 + 1;
const CLOSE_BRACE = 0x7d;

/**
 * The complete gateway frame for one session: `{"op":0,"s":<sequence>,` +
 * body + `}`. `sequence` is the session's own dispatch counter (Discord `s`),
 * not the guild's stream sequence. One allocation (from Node's buffer pool
 * for small frames) and one copy of the shared body per session; the prefix
 * is written as ASCII in place.
 */
export function encodeDispatchFrame(frame: DispatchFrame, sequence: number): Buffer {
  const body = frame.body;
  const out = Buffer.allocUnsafe(MAX_PREFIX_BYTES + body.length + 1);
  const prefix = out.write(`{"op":0,"s":${sequence},`, 0, 'latin1');
  body.copy(out, prefix);
  const end = prefix + body.length;
  out[end] = CLOSE_BRACE;
  return out.subarray(0, end + 1);
}

/** IDENTIFY's shard pair: the session sees guild G when (G >> 22) % count === id. */
export interface ShardFilter {
  /** shard_id, 0 <= id < count. */
  readonly id: number;
  /** num_shards, >= 1. */
  readonly count: number;
}

/** A session's presence as sent to the guild (IDENTIFY's presence or op 3). */
export interface SessionPresence {
  /** "online" | "idle" | "dnd" | "invisible" | "offline". */
  readonly status: 'online' | 'idle' | 'dnd' | 'invisible' | 'offline';
  /** Discord activity objects. */
  readonly activities: readonly unknown[];
  /** Idle since (Unix ms) or null. */
  readonly since: number | null;
  /** Away from keyboard. */
  readonly afk: boolean;
}

/** Why a guild was taken from a session by the relay. */
export type GuildRemovedReason =
  /** The member left, was kicked or banned (GUILD_DELETE without unavailable). */
  | 'member-removed'
  /** The guild node was lost or the guild moved and re-attaching failed. */
  | 'unavailable';

/**
 * What a session on this gateway node exposes to the relay. Implemented by
 * the session actor (engineer WS).
 */
export interface LocalSession {
  /** Gateway session id (READY's session_id). */
  readonly sessionId: string;
  /** The session's user id (snowflake string). */
  readonly userId: string;
  /** IDENTIFY's intents bitfield. */
  readonly intents: number;
  /** IDENTIFY's shard, or undefined for an unsharded session. */
  readonly shard?: ShardFilter;
  /** Bot sessions are always active; user sessions may be passive in large guilds. */
  readonly allowPassive: boolean;
  /** IDENTIFY's large_threshold (50..250); 0 means 50. */
  readonly largeThreshold: number;
  /**
   * Hands one dispatch to the session. Non-blocking, never throws; the
   * session assigns its `s`, stores the frame in its resume buffer and writes
   * `encodeDispatchFrame(frame, s)` (compressed if it uses zlib-stream).
   */
  deliver(frame: DispatchFrame): void;
  /**
   * The relay took a guild from the session (after delivering the matching
   * GUILD_DELETE frame). Optional; lets the session update its guild list.
   */
  guildRemoved?(guildId: string, reason: GuildRemovedReason): void;
}

/** A session's mode in a guild. */
export type SessionMode = 'active' | 'passive';

/** The result of attaching a session to one guild. */
export interface GuildAttachResult {
  /** The guild. */
  readonly guildId: string;
  /** The session's mode in it. */
  readonly mode: SessionMode;
  /**
   * GUILD_CREATE `d` payload (UTF-8 JSON) for this session; empty when
   * resuming. The relay does NOT deliver it: the session puts it in READY
   * or delivers it as a GUILD_CREATE dispatch (createDispatchFrame).
   */
  readonly guildCreateJson: Buffer;
}

/** Outcome of {@link SessionRelay.attachGuilds}. */
export interface AttachGuildsResult {
  /** Guilds attached, in request order. */
  readonly attached: readonly GuildAttachResult[];
  /** Guilds whose owner could not serve them now (send GUILD_CREATE unavailable / retry later; the relay retries on its own and delivers GUILD_CREATE when they come back). */
  readonly unavailable: readonly string[];
  /** Guilds the user is not a member of (drop them). */
  readonly notMember: readonly string[];
}

/** One guild subscription change (gateway op 14 / op 37). */
export interface GuildSubscriptionChange {
  /** The guild. */
  readonly guildId: string;
  /** true: active (full stream); false: passive. */
  readonly active: boolean;
  /** Receive TYPING_START. */
  readonly typing?: boolean;
  /** Receive presence activities. */
  readonly activities?: boolean;
  /** Members whose updates the session wants while passive. */
  readonly memberIds?: readonly string[];
}

/**
 * The relay as sessions see it. Implemented by the relay (engineer GUILD).
 * All guild-node calls (AttachSession, DetachSession, UpdateGuildSubscriptions,
 * UpdatePresence) go through here so the relay knows which guilds each session
 * is in and can re-attach them when a guild node is lost or a guild moves.
 */
export interface SessionRelay {
  /** Makes the session known to the relay (after IDENTIFY or RESUME). Synchronous. */
  register(session: LocalSession): void;
  /**
   * Attaches the session to guilds (grouped by owning guild node, one
   * AttachSession per node). Guilds outside the session's shard are ignored.
   * From the returned snapshot's sequence on, the guild's dispatches reach
   * `deliver`. `resuming` skips GUILD_CREATE payloads.
   */
  attachGuilds(
    sessionId: string,
    guildIds: readonly string[],
    options?: { readonly resuming?: boolean; readonly presence?: SessionPresence; readonly deadlineMs?: number },
  ): Promise<AttachGuildsResult>;
  /** Detaches the session from some guilds (DetachSession on their owners). */
  detachGuilds(sessionId: string, guildIds: readonly string[]): Promise<void>;
  /** Changes passive/active mode in guilds; effective before the next dispatch. */
  updateSubscriptions(sessionId: string, changes: readonly GuildSubscriptionChange[]): Promise<void>;
  /** Sets the user's presence in every guild the session is attached to (op 3). */
  updatePresence(sessionId: string, presence: SessionPresence): Promise<void>;
  /**
   * Forgets the session: stops delivery at once and detaches it from every
   * guild. Call when the socket closes for good (resume window over) or the
   * session is moved elsewhere.
   */
  unregister(sessionId: string): Promise<void>;
  /**
   * A session RESUMEd on another gateway node, which attached it to
   * `guildIds`: waits until each of those guilds fenced it here (nothing
   * more of theirs comes for it), at most `timeoutMs`; answers the guilds
   * that did not.
   */
  awaitSessionMoved(sessionId: string, guildIds: readonly string[], timeoutMs: number): Promise<string[]>;
  /** Forgets a session that moved to another node, without detaching it from its guilds. */
  release(sessionId: string): void;
}

/** Read-only view of the sessions registered on this gateway node (for GatewayService.DispatchToUsers etc.). */
export interface LocalSessions {
  /** A session by id, or undefined. */
  get(sessionId: string): LocalSession | undefined;
  /** Every session of a user on this node (possibly empty). */
  forUser(userId: string): readonly LocalSession[];
  /** Number of registered sessions. */
  readonly size: number;
}
