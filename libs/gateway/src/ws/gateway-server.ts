/**
 * The WebSocket side of the gateway: accepts upgrades (`?v=10&encoding=json
 * &compress=zlib-stream`), builds sessions on IDENTIFY, finds them on RESUME,
 * and drains connections with RECONNECT.
 */
import { randomBytes } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { parseRequestTarget } from '@chat/http-server';
import type { UserStore } from '@chat/store';
import type { SessionRelay } from '../relay/local-sessions';
import { inShard } from '../session/shard';
import type { MemberLister } from '../session/member-lister';
import type { SessionVoice } from '../session/session-voice';
import type { GatewayPeers } from '../session/gateway-peers';
import { SessionHub, type SessionRef } from '../session/session-hub';
import type { ResumeOutcome } from '../session/session.messages';
import { toDiscordUser } from '@chat/discord';
import { CloseCode, DEFAULT_HEARTBEAT_INTERVAL_MS, RATE_LIMIT_EVENTS, RATE_LIMIT_WINDOW_MS } from './gateway-codes';
import { GatewayConnection, type ConnectionHost } from './gateway-connection';
import { GatewaySocket } from './gateway-socket';
import { GatewayCloseError } from './errors';
import { authenticate, identify, parseResume, type PrivilegedIntentPolicy, type ResumeRequest } from './identify';

/** Settings of the gateway's WebSocket server. */
export interface GatewayServerOptions {
  readonly users: UserStore;
  /** The user's guild ids (all shards). */
  readonly guildIdsOf: (userId: string) => Promise<readonly string[]>;
  readonly relay: SessionRelay;
  readonly members: MemberLister;
  /** What READY's resume_gateway_url says (and GET /gateway answers). */
  readonly publicUrl: string;
  readonly heartbeatIntervalMs?: number;
  /** Default: interval + max(5 s, interval / 4). */
  readonly heartbeatTimeoutMs?: number;
  readonly replayCapacity?: number;
  readonly resumeWindowMs?: number;
  readonly privilegedIntents?: PrivilegedIntentPolicy;
  readonly rateLimit?: { readonly events: number; readonly windowMs: number };
  /** A bot session (one shard) with more guilds than this is closed with 4011 (sharding required). Default 2500, as Discord. */
  readonly maxGuildsPerSession?: number;
  /** Unsent bytes per connection before a slow client is dropped (default 8 MiB). */
  readonly maxBufferedBytes?: number;
  /** Frames above this are refused by ws itself before they are buffered (close 4002, as any payload over Discord's limit). */
  readonly maxFrameBytes?: number;
  readonly log: { warn(obj: object, msg: string): void };
  /** READY's `read_state.entries` of a user account (bots get none); without it READY carries no read state. */
  readonly readStatesOf?: (userId: string) => Promise<readonly object[]>;
  /** Voice (gateway op 4) through GuildService.UpdateVoiceState; without it op 4 is logged and ignored. */
  readonly voice?: SessionVoice;
  /** The other gateway nodes: a RESUME of a session one of them holds moves it here. Without them such a RESUME gets op 9. */
  readonly peers?: GatewayPeers;
  /** How long `close` waits for drained sessions to RESUME elsewhere before ending the rest (default 3000 ms; only with peers). */
  readonly drainGraceMs?: number;
}

/** The gateway's WebSocket server, attached to an HTTP server's `upgrade`. */
export class GatewayServer {
  readonly hub: SessionHub;
  private readonly wss: WebSocketServer;
  private readonly connections = new Set<GatewayConnection>();
  private readonly host: ConnectionHost;
  private draining = false;

  constructor(private readonly options: GatewayServerOptions) {
    const interval = options.heartbeatIntervalMs ?? DEFAULT_HEARTBEAT_INTERVAL_MS;
    this.hub = new SessionHub({
      relay: options.relay,
      members: options.members,
      replayCapacity: options.replayCapacity ?? 1000,
      resumeWindowMs: options.resumeWindowMs ?? 180_000,
      log: options.log,
      ...(options.voice ? { voice: options.voice } : {}),
    });
    this.wss = new WebSocketServer({
      noServer: true,
      WebSocket: GatewaySocket,
      maxPayload: options.maxFrameBytes ?? 64 * 1024,
      perMessageDeflate: false,
      clientTracking: false,
    });
    this.host = {
      heartbeatIntervalMs: interval,
      heartbeatTimeoutMs: options.heartbeatTimeoutMs ?? interval + Math.max(5_000, Math.floor(interval / 4)),
      rateLimit: options.rateLimit ?? { events: RATE_LIMIT_EVENTS, windowMs: RATE_LIMIT_WINDOW_MS },
      maxBufferedBytes: options.maxBufferedBytes ?? 8 * 1024 * 1024,
      identify: (d, connection) => this.identify(d, connection),
      resume: (d, connection) => this.resume(d, connection),
      closed: (connection) => this.connections.delete(connection),
      log: options.log,
    };
  }

  /** Whether other gateway nodes can take this node's sessions over. */
  private get hasPeers(): boolean {
    return (this.options.peers?.size ?? 0) > 0;
  }

  /** Number of open connections. */
  get connectionCount(): number {
    return this.connections.size;
  }

  /** Handles an HTTP upgrade request. Whatever the request holds, it can only fail its own socket. */
  handleUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer): void {
    socket.on('error', () => socket.destroy());
    if (this.draining && this.hasPeers) {
      // A draining node with peers takes no new connections: the client (or its load balancer) goes to another node, which takes its session over.
      socket.end('HTTP/1.1 503 Service Unavailable\r\nConnection: close\r\nRetry-After: 1\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    try {
      this.wss.handleUpgrade(request, socket, head, (ws) => this.accept(ws, request));
    } catch (error) {
      this.options.log.warn({ err: error, target: request.url?.slice(0, 200) }, 'gateway upgrade failed');
      socket.destroy();
    }
  }

  /** Sends op 7 RECONNECT to every session (drain); sessions stay resumable for the resume window. */
  drain(): void {
    this.draining = true;
    this.hub.drain();
    for (const connection of this.connections) if (!connection.sessionRef) connection.close(CloseCode.UNKNOWN_ERROR, 'reconnect');
  }

  /** Drains, ends every session and closes every socket. */
  async close(): Promise<void> {
    // The peers as they are now (a DNS list may have changed since the last RESUME asked); a slow lookup does not hold the drain up.
    const peers = this.options.peers;
    if (peers) await Promise.race([peers.refresh().catch(() => undefined), new Promise((resolve) => setTimeout(resolve, 500).unref())]);
    this.drain();
    // With peers, drained sessions RESUME on another node, which takes them over from here: give them the grace to.
    if (this.hasPeers && this.hub.size > 0) await this.hub.whenEmpty(this.options.drainGraceMs ?? 3_000);
    await this.hub.stopAll();
    for (const connection of this.connections) connection.close(CloseCode.UNKNOWN_ERROR, 'gateway stopping');
    this.wss.close();
  }

  private accept(ws: WebSocket, request: IncomingMessage): void {
    const { query } = parseRequestTarget(request.url);
    const compress = query.get('compress');
    const connection = new GatewayConnection(ws, compress === 'zlib-stream', this.host);
    this.connections.add(connection);
    const version = query.get('v');
    if (version !== null && version !== '9' && version !== '10') connection.close(CloseCode.INVALID_API_VERSION, 'Invalid API version.');
    else if ((query.get('encoding') ?? 'json') !== 'json') connection.close(CloseCode.DECODE_ERROR, 'Only encoding=json is supported.');
    else if (compress !== null && compress !== 'zlib-stream') connection.close(CloseCode.DECODE_ERROR, 'Only compress=zlib-stream is supported.');
  }

  private async identify(d: unknown, connection: GatewayConnection): Promise<SessionRef> {
    const who = await identify(d, this.options.users, this.options.privilegedIntents ?? 'open');
    const isBot = who.user.bot;
    // The guild list (store) and the read state (read-states service) are independent: fetched together.
    const [allGuilds, readState] = await Promise.all([
      this.options.guildIdsOf(who.user.id),
      isBot || !this.options.readStatesOf ? undefined : this.readStateOf(who.user.id),
    ]);
    const guildIds = allGuilds.filter((id) => inShard(id, who.shard));
    if (who.user.bot && guildIds.length > (this.options.maxGuildsPerSession ?? 2_500)) {
      throw new GatewayCloseError(CloseCode.SHARDING_REQUIRED, 'Sharding is required.');
    }
    const sessionId = randomBytes(16).toString('hex');
    const ready: Record<string, unknown> = {
      v: 10,
      user: { ...toDiscordUser(who.user), flags: who.user.flags, verified: true, mfa_enabled: false, ...(isBot ? {} : { email: who.user.email }) },
      session_id: sessionId,
      session_type: 'normal',
      resume_gateway_url: this.options.publicUrl,
      private_channels: [],
      relationships: [],
      presences: [],
      user_settings: {},
      guild_join_requests: [],
      geo_ordered_rtc_regions: [],
      ...(readState ? { read_state: readState } : {}),
      ...(who.shard ? { shard: [who.shard.id, who.shard.count] } : {}),
      ...(who.application ? { application: { id: who.application.id, flags: who.application.flags } } : {}),
    };
    if (connection.sessionRef !== undefined) throw new GatewayCloseError(CloseCode.ALREADY_AUTHENTICATED, 'Already authenticated.');
    const ref = this.hub.open(
      {
        sessionId,
        userId: who.user.id,
        intents: who.intents,
        ...(who.shard ? { shard: who.shard } : {}),
        allowPassive: !isBot,
        largeThreshold: who.largeThreshold,
        deliver: () => undefined,
        ready,
        guildIds,
      },
      connection,
    );
    if (who.presence) ref.send({ type: 'presence', presence: who.presence });
    return ref;
  }

  /** READY's read_state; when the read-states service does not answer, an empty partial one (the client keeps its own). */
  private async readStateOf(userId: string): Promise<{ version: number; partial: boolean; entries: readonly object[] }> {
    try {
      return { version: 1, partial: false, entries: await this.options.readStatesOf!(userId) };
    } catch (error) {
      this.options.log.warn({ err: error, userId }, 'read states unavailable for READY');
      return { version: 0, partial: true, entries: [] };
    }
  }

  private async resume(d: unknown, connection: GatewayConnection): Promise<SessionRef | undefined> {
    const request = parseResume(d);
    const { user } = await authenticate(this.options.users, request.token);
    const ref = this.hub.find(request.sessionId);
    const local = this.hub.registry.get(request.sessionId);
    if (!ref && !local) return this.resumeFromPeer(request, user.id, connection);
    if (!ref || !local || local.userId !== user.id) return undefined;
    const outcome = await ref.ask<ResumeOutcome>((reply) => ({ type: 'resume', transport: connection, sequence: request.sequence, reply }), { timeoutMs: 5_000 });
    if (outcome === 'invalid-seq') throw new GatewayCloseError(CloseCode.INVALID_SEQ, 'Invalid seq.');
    return outcome === 'resumed' ? ref : undefined;
  }

  /** RESUME of a session another node holds: it hands the session over (sequence, buffered dispatches, guilds) and this node carries on. */
  private async resumeFromPeer(request: ResumeRequest, userId: string, connection: GatewayConnection): Promise<SessionRef | undefined> {
    const peers = this.options.peers;
    if (!peers || peers.size === 0 || this.draining) return undefined;
    const lookup = await peers.begin(request.sessionId, userId, request.sequence);
    if (!lookup.found) {
      if (lookup.sequenceAhead) throw new GatewayCloseError(CloseCode.INVALID_SEQ, 'Invalid seq.');
      return undefined;
    }
    const held = lookup.found;
    const ref = this.hub.adopt(
      {
        sessionId: request.sessionId,
        userId,
        intents: held.intents,
        ...(held.shard ? { shard: held.shard } : {}),
        allowPassive: held.allowPassive,
        largeThreshold: held.largeThreshold,
        deliver: () => undefined,
        ready: {},
        guildIds: held.guildIds,
      },
      connection,
      request.sequence,
    );
    const adopted = await ref.ask<boolean>((reply) => ({ type: 'adopt', fetch: (moved) => peers.finish(held.peerId, request.sessionId, request.sequence, moved), reply }), { timeoutMs: 10_000 });
    return adopted ? ref : undefined;
  }
}
