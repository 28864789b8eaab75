/**
 * One WebSocket connection: HELLO, heartbeats and zombie detection, the
 * 4096-byte and 120-per-60-s limits, JSON decoding, and routing of each
 * opcode to the session actor. A client's bytes can only close its own
 * connection, never throw out of here.
 */
import { isUtf8 } from 'node:buffer';
import { WebSocket, type RawData } from 'ws';
import type { GuildSubscriptionChange } from '../relay/local-sessions';
import type { SessionRef } from '../session/session-hub';
import type { MemberRequest } from '../session/session.messages';
import { controlFrame, type SessionTransport } from '../session/session-transport';
import { CloseCode, MAX_CLIENT_PAYLOAD_BYTES, Op } from './gateway-codes';
import { GatewayCloseError } from './errors';
import { parsePresence } from './identify';
import { RateWindow } from './rate-window';
import { parseVoiceStateUpdate } from './voice-state-update';
import { ZlibStreamEncoder } from './zlib-stream';

/** What a connection needs from its gateway server. */
export interface ConnectionHost {
  readonly heartbeatIntervalMs: number;
  /** No heartbeat (or no IDENTIFY) for this long closes the connection with 4009. */
  readonly heartbeatTimeoutMs: number;
  readonly rateLimit: { readonly events: number; readonly windowMs: number };
  /** A client that lets more than this many bytes pile up unsent is dropped (it may RESUME). */
  readonly maxBufferedBytes: number;
  identify(d: unknown, connection: GatewayConnection): Promise<SessionRef>;
  /** Resolves with the session, or undefined when it cannot be resumed (op 9 follows). */
  resume(d: unknown, connection: GatewayConnection): Promise<SessionRef | undefined>;
  closed(connection: GatewayConnection): void;
  log: { warn(obj: object, msg: string): void };
}

let nextConnectionId = 1;
/** Send options shared by every frame (ws copies them; no per-frame object literal). Uncompressed frames are text, zlib-stream frames binary. */
const TEXT = { binary: false, compress: false, fin: true } as const;
const BINARY = { binary: true, compress: false, fin: true } as const;

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** A client connection to the gateway. */
export class GatewayConnection implements SessionTransport {
  readonly id = nextConnectionId++;
  private session: SessionRef | undefined;
  private authenticating = false;
  private closing = false;
  private readonly encoder: ZlibStreamEncoder | undefined;
  private readonly rate: RateWindow;
  private deadline: NodeJS.Timeout | undefined;
  /** Whether a close should leave the session resumable. */
  private resumable = true;

  constructor(
    private readonly socket: WebSocket,
    compress: boolean,
    private readonly host: ConnectionHost,
  ) {
    this.rate = new RateWindow(host.rateLimit.events, host.rateLimit.windowMs);
    if (compress) this.encoder = new ZlibStreamEncoder((chunk) => this.write(chunk, true));
    socket.on('message', (data, isBinary) => this.onMessage(data, isBinary));
    socket.on('close', (code) => {
      // Discord: a client that closes with 1000 or 1001 ends its session (no RESUME).
      if (code === 1000 || code === 1001) this.resumable = false;
      this.onClosed();
    });
    socket.on('error', () => this.onClosed());
    this.send(controlFrame(Op.HELLO, { heartbeat_interval: host.heartbeatIntervalMs }));
    this.armDeadline();
  }

  /** The session this connection identified or resumed, if any. */
  get sessionRef(): SessionRef | undefined {
    return this.session;
  }

  send(frame: Buffer | string): void {
    if (this.closing) return;
    if (this.encoder) this.encoder.write(frame);
    else this.write(frame, false);
  }

  close(code: number, reason: string): void {
    if (this.closing) return;
    this.closing = true;
    if (code === CloseCode.AUTHENTICATION_FAILED || code >= CloseCode.SESSION_TIMED_OUT) this.resumable = false;
    clearTimeout(this.deadline);
    let done = false;
    const finish = (): void => {
      if (done) return;
      done = true;
      this.encoder?.close();
      try {
        this.socket.close(code, reason.slice(0, 120));
      } catch {
        this.socket.terminate();
      }
    };
    if (!this.encoder) {
      finish();
      return;
    }
    // Compressed frames still in the deflate queue (op 7, op 9, a last dispatch) go out before the close frame.
    this.encoder.whenIdle(finish);
    setTimeout(finish, 1_000).unref();
  }

  /** Sends op 9 INVALID_SESSION (d=false); the client may IDENTIFY again on this connection. */
  invalidSession(): void {
    this.send(controlFrame(Op.INVALID_SESSION, false));
  }

  private write(data: Buffer | string, binary: boolean): void {
    if (this.socket.readyState !== WebSocket.OPEN) return;
    if (this.socket.bufferedAmount > this.host.maxBufferedBytes) {
      // A slow consumer: drop the socket rather than buffer without bound; the session stays resumable.
      this.closing = true;
      clearTimeout(this.deadline);
      this.encoder?.close();
      this.socket.terminate();
      return;
    }
    // No callback: with one, every frame costs a completion closure and a write request callback; a
    // failed write surfaces as the socket's 'error'/'close', which ends the connection anyway.
    this.socket.send(data, binary ? BINARY : TEXT);
  }

  private armDeadline(): void {
    clearTimeout(this.deadline);
    this.deadline = setTimeout(() => this.close(CloseCode.SESSION_TIMED_OUT, 'Session timed out.'), this.host.heartbeatTimeoutMs);
    this.deadline.unref();
  }

  private onClosed(): void {
    clearTimeout(this.deadline);
    this.closing = true;
    this.encoder?.close();
    this.session?.send({ type: 'transport-closed', transportId: this.id, resumable: this.resumable });
    this.host.closed(this);
  }

  private onMessage(data: RawData, isBinary: boolean): void {
    if (this.closing) return;
    try {
      if (!this.rate.hit()) throw new GatewayCloseError(CloseCode.RATE_LIMITED, 'You are being rate limited.');
      const bytes = Array.isArray(data) ? Buffer.concat(data) : Buffer.isBuffer(data) ? data : Buffer.from(data);
      if (bytes.length > MAX_CLIENT_PAYLOAD_BYTES) throw new GatewayCloseError(CloseCode.DECODE_ERROR, 'Payload too large.');
      // Text frames were checked by ws (invalid UTF-8 closes 4002 through GatewaySocket); binary ones are checked here.
      if (isBinary && !isUtf8(bytes)) throw new GatewayCloseError(CloseCode.DECODE_ERROR, 'Binary frames must hold UTF-8 JSON.');
      let payload: unknown;
      try {
        payload = JSON.parse(bytes.toString('utf8'));
      } catch {
        throw new GatewayCloseError(CloseCode.DECODE_ERROR, isBinary ? 'Binary frames must hold UTF-8 JSON.' : 'Error while decoding payload.');
      }
      if (!isObject(payload) || typeof payload.op !== 'number') throw new GatewayCloseError(CloseCode.DECODE_ERROR, 'Error while decoding payload.');
      this.route(payload.op, payload.d);
    } catch (error) {
      this.fail(error);
    }
  }

  private fail(error: unknown): void {
    if (error instanceof GatewayCloseError) {
      this.close(error.code, error.reason);
      return;
    }
    this.host.log.warn({ err: error, connection: this.id }, 'gateway connection failed');
    this.close(CloseCode.UNKNOWN_ERROR, 'Unknown error.');
  }

  private route(op: number, d: unknown): void {
    switch (op) {
      case Op.HEARTBEAT:
        if (d !== null && d !== undefined && !Number.isInteger(d)) throw new GatewayCloseError(CloseCode.DECODE_ERROR, 'heartbeat d must be the last sequence or null');
        this.armDeadline();
        this.send(controlFrame(Op.HEARTBEAT_ACK, null));
        return;
      case Op.IDENTIFY:
      case Op.RESUME:
        if (this.session || this.authenticating) throw new GatewayCloseError(CloseCode.ALREADY_AUTHENTICATED, 'Already authenticated.');
        this.authenticating = true;
        this.authenticate(op, d);
        return;
      case Op.PRESENCE_UPDATE:
        this.authed().send({ type: 'presence', presence: parsePresence(d) });
        return;
      case Op.REQUEST_GUILD_MEMBERS:
        this.authed().send({ type: 'request-members', request: parseMemberRequest(d) });
        return;
      case Op.LAZY_REQUEST:
      case Op.GUILD_SUBSCRIPTIONS_BULK:
        this.authed().send({ type: 'subscriptions', changes: parseSubscriptions(op, d) });
        return;
      case Op.VOICE_STATE_UPDATE:
        this.authed().send({ type: 'voice-state', update: parseVoiceStateUpdate(d) });
        return;
      default:
        throw new GatewayCloseError(CloseCode.UNKNOWN_OPCODE, 'Unknown opcode.');
    }
  }

  private authed(): SessionRef {
    if (!this.session) throw new GatewayCloseError(CloseCode.NOT_AUTHENTICATED, 'Not authenticated.');
    return this.session;
  }

  private authenticate(op: number, d: unknown): void {
    const done = op === Op.IDENTIFY ? this.host.identify(d, this) : this.host.resume(d, this);
    done.then(
      (session) => {
        this.authenticating = false;
        if (this.closing) {
          session?.send({ type: 'transport-closed', transportId: this.id, resumable: this.resumable });
          return;
        }
        if (session) this.session = session;
        else this.invalidSession();
      },
      (error: unknown) => {
        this.authenticating = false;
        this.fail(error);
      },
    );
  }
}

function parseMemberRequest(d: unknown): MemberRequest {
  const bad = (what: string): GatewayCloseError => new GatewayCloseError(CloseCode.DECODE_ERROR, `invalid REQUEST_GUILD_MEMBERS: ${what}`);
  if (!isObject(d)) throw bad('d');
  const guildId = d.guild_id;
  if (typeof guildId !== 'string' || !/^\d{1,20}$/.test(guildId)) throw bad('guild_id');
  const userIds = d.user_ids === undefined || d.user_ids === null ? [] : Array.isArray(d.user_ids) ? d.user_ids : [d.user_ids];
  if (userIds.length > 100 || !userIds.every((id): id is string => typeof id === 'string' && /^\d{1,20}$/.test(id))) throw bad('user_ids');
  const query = d.query ?? '';
  if (typeof query !== 'string' || query.length > 100) throw bad('query');
  const limit = d.limit ?? 0;
  if (!Number.isInteger(limit) || (limit as number) < 0 || (limit as number) > 100_000) throw bad('limit');
  const nonce = d.nonce;
  if (nonce !== undefined && (typeof nonce !== 'string' || nonce.length > 32)) throw bad('nonce');
  return { guildId, query, limit: limit as number, userIds, presences: d.presences === true, nonce };
}

function parseSubscriptions(op: number, d: unknown): GuildSubscriptionChange[] {
  const bad = (): GatewayCloseError => new GatewayCloseError(CloseCode.DECODE_ERROR, 'invalid guild subscription request');
  if (!isObject(d)) throw bad();
  const entries: [string, unknown][] =
    op === Op.LAZY_REQUEST ? [[String(d.guild_id), d]] : isObject(d.subscriptions) ? Object.entries(d.subscriptions) : [];
  if (entries.length === 0 || entries.length > 100) throw bad();
  return entries.map(([guildId, value]) => {
    if (!/^\d{1,20}$/.test(guildId) || !isObject(value)) throw bad();
    return {
      guildId,
      active: true,
      typing: value.typing === true,
      activities: value.activities === true,
      ...(Array.isArray(value.members) ? { memberIds: value.members.filter((m): m is string => typeof m === 'string').slice(0, 100) } : {}),
    };
  });
}
