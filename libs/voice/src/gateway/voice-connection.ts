import { randomBytes } from 'node:crypto';
import { isIP } from 'node:net';
import type { Logger } from '@chat/observability';
import type { WebSocket } from 'ws';
import type { CallRegistry } from '../allocation/call-registry';
import type { TokenStore } from '../allocation/token-store';
import { VoiceProtocolError } from '../errors';
import type { EncryptionMode, MediaNode } from '../media';
import type { SessionDirectory } from './session-directory';
import { VoiceClose, VoiceOp } from './voice-opcodes';
import { decodeFrame, heartbeatSchema, identifySchema, payloadOf, resumeSchema, selectProtocolSchema, speakingSchema, type VoiceFrame } from './voice-payloads';
import { admitSession } from './admit-session';
import { VoiceSession, type SessionSocket } from './voice-session';

/** What every voice connection of a gateway shares. */
export interface VoiceGatewayDeps {
  readonly media: MediaNode;
  readonly tokens: TokenStore;
  readonly registry: CallRegistry;
  readonly directory: SessionDirectory;
  readonly logger: Logger;
  /** Sent in HELLO; a client silent for twice this long is closed with 4009. */
  readonly heartbeatIntervalMs: number;
  /** How long a dropped session waits for RESUME. */
  readonly graceMs: number;
}

const CLIENT_OPS: ReadonlySet<number> = new Set([VoiceOp.Identify, VoiceOp.SelectProtocol, VoiceOp.Heartbeat, VoiceOp.Speaking, VoiceOp.Resume]);

/**
 * One voice WebSocket: HELLO on open, heartbeats, then IDENTIFY (or RESUME)
 * and the session's opcodes. Every inbound frame goes through one total
 * handler: a protocol error closes with its Discord close code, anything
 * else with 1011, and nothing a client sends can throw past it.
 */
export class VoiceConnection implements SessionSocket {
  private session: VoiceSession | undefined;
  private deadline: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(
    private readonly ws: WebSocket,
    readonly version: number,
    private readonly deps: VoiceGatewayDeps,
  ) {
    ws.on('message', (data, isBinary) => this.onMessage(toBuffer(data), isBinary));
    ws.on('close', () => this.onClose());
    ws.on('error', (error) => deps.logger.debug({ err: error }, 'voice socket error'));
    this.sendRaw(VoiceOp.Hello, { v: version, heartbeat_interval: deps.heartbeatIntervalMs });
    this.armDeadline();
  }

  /** {@link SessionSocket.sendText}. */
  sendText(text: string): void {
    if (!this.closed && this.ws.readyState === this.ws.OPEN) this.ws.send(text);
  }

  /** {@link SessionSocket.closeDetached}: the session let go of this socket. */
  closeDetached(code: number, reason: string): void {
    this.session = undefined;
    this.close(code, reason);
  }

  private onMessage(data: Buffer, isBinary: boolean): void {
    if (this.closed) return;
    try {
      this.handle(decodeFrame(data, isBinary));
    } catch (error) {
      if (error instanceof VoiceProtocolError) {
        this.deps.logger.debug({ code: error.closeCode, reason: error.message }, 'voice protocol error');
        this.fail(error.closeCode, error.message);
      } else {
        this.deps.logger.error({ err: error }, 'voice gateway handler failed');
        this.fail(1011, 'internal error');
      }
    }
  }

  private handle(frame: VoiceFrame): void {
    if (frame.op === VoiceOp.Heartbeat) return this.heartbeat(frame);
    if (!CLIENT_OPS.has(frame.op)) throw new VoiceProtocolError(VoiceClose.UnknownOpcode, `unknown opcode ${frame.op}`);
    if (!this.session) {
      if (frame.op === VoiceOp.Identify) return this.identify(frame);
      if (frame.op === VoiceOp.Resume) return this.resume(frame);
      throw new VoiceProtocolError(VoiceClose.NotAuthenticated, `op ${frame.op} before IDENTIFY`);
    }
    if (frame.op === VoiceOp.Identify || frame.op === VoiceOp.Resume) throw new VoiceProtocolError(VoiceClose.AlreadyAuthenticated, 'already identified');
    if (frame.op === VoiceOp.SelectProtocol) return this.selectProtocol(this.session, frame);
    return this.speaking(this.session, frame);
  }

  private heartbeat(frame: VoiceFrame): void {
    const d = payloadOf(heartbeatSchema, frame);
    this.armDeadline();
    if (typeof d === 'object') {
      if (d.seq_ack !== undefined) this.session?.ack(d.seq_ack);
      this.sendRaw(VoiceOp.HeartbeatAck, { t: d.t });
    } else {
      this.sendRaw(VoiceOp.HeartbeatAck, this.version >= 8 ? { t: d } : d);
    }
  }

  private identify(frame: VoiceFrame): void {
    const d = payloadOf(identifySchema, frame);
    const { session } = admitSession(this.deps, d, this, { joinCall: (call, userId, ssrc) => call.join({ userId, ssrc }), graceMs: this.deps.graceMs });
    const { media, directory } = this.deps;
    const ssrc = session.seat.ssrc;
    this.session = session;
    session.send(VoiceOp.Ready, { ssrc, ip: media.ip, port: media.port, modes: [...media.modes], heartbeat_interval: this.deps.heartbeatIntervalMs, experiments: [] });
    this.announce(session);
    directory.add(session);
  }

  /** Newcomer and members learn each other's ssrc before any audio: op 11 then op 5 with speaking 0. */
  private announce(session: VoiceSession): void {
    const others = this.deps.directory.others(session);
    if (others.length === 0) return;
    const me = session.seat;
    for (const other of others) {
      other.send(VoiceOp.ClientsConnect, { user_ids: [me.userId] });
      other.send(VoiceOp.Speaking, { user_id: me.userId, ssrc: me.ssrc, speaking: 0 });
    }
    session.send(VoiceOp.ClientsConnect, { user_ids: [...new Set(others.map((other) => other.seat.userId))] });
    for (const other of others) session.send(VoiceOp.Speaking, { user_id: other.seat.userId, ssrc: other.seat.ssrc, speaking: other.seat.speaking ? 1 : 0 });
  }

  private resume(frame: VoiceFrame): void {
    const d = payloadOf(resumeSchema, frame);
    const session = this.deps.directory.byResumeToken(d.token);
    if (!session || session.isEnded || session.seat.guildId !== d.server_id || session.seat.sessionId !== d.session_id) {
      throw new VoiceProtocolError(VoiceClose.SessionNoLongerValid, 'no session to resume');
    }
    this.session = session;
    session.resume(this, d.seq_ack);
  }

  private selectProtocol(session: VoiceSession, frame: VoiceFrame): void {
    const d = payloadOf(selectProtocolSchema, frame);
    if (d.protocol !== 'udp') throw new VoiceProtocolError(VoiceClose.UnknownProtocol, `unknown protocol ${d.protocol}`);
    const mode = this.deps.media.modes.find((offered) => offered === d.data.mode);
    if (!mode) throw new VoiceProtocolError(VoiceClose.UnknownEncryptionMode, `unknown encryption mode ${d.data.mode}`);
    if (session.peer.remote === null) {
      if (isIP(d.data.address) === 0 || d.data.port === 0) throw new VoiceProtocolError(VoiceClose.FailedToDecode, 'SELECT_PROTOCOL needs an IP address and a port');
      session.peer.setRemote(d.data.address, d.data.port);
    }
    const secretKey = new Uint8Array(randomBytes(32));
    session.peer.startSession(mode as EncryptionMode, secretKey);
    session.send(VoiceOp.SessionDescription, { mode, secret_key: [...secretKey], dave_protocol_version: 0, audio_codec: 'opus', media_session_id: randomBytes(16).toString('hex') });
  }

  private speaking(session: VoiceSession, frame: VoiceFrame): void {
    const d = payloadOf(speakingSchema, frame);
    session.seat.speaking = d.speaking !== 0;
    for (const other of this.deps.directory.others(session)) {
      other.send(VoiceOp.Speaking, { user_id: session.seat.userId, ssrc: session.seat.ssrc, speaking: d.speaking });
    }
  }

  private sendRaw(op: number, d: unknown): void {
    this.sendText(JSON.stringify({ op, d }));
  }

  private armDeadline(): void {
    if (this.deadline) clearTimeout(this.deadline);
    this.deadline = setTimeout(() => this.fail(VoiceClose.SessionTimeout, 'no heartbeat'), this.deps.heartbeatIntervalMs * 2);
    this.deadline.unref();
  }

  /** A protocol failure: before READY the socket just closes; a session in progress keeps its grace window. */
  private fail(code: number, reason: string): void {
    this.close(code, reason);
  }

  private close(code: number, reason: string): void {
    if (this.closed) return;
    this.closed = true;
    if (this.deadline) clearTimeout(this.deadline);
    try {
      this.ws.close(code, reason.replace(/[^\x20-\x7e]/g, '?').slice(0, 120));
    } catch {
      this.ws.terminate();
    }
    this.detach();
  }

  private onClose(): void {
    this.closed = true;
    if (this.deadline) clearTimeout(this.deadline);
    this.detach();
  }

  private detach(): void {
    const session = this.session;
    this.session = undefined;
    session?.socketLost(this);
  }
}

function toBuffer(data: Buffer | ArrayBuffer | Buffer[]): Buffer {
  if (Buffer.isBuffer(data)) return data;
  if (Array.isArray(data)) return Buffer.concat(data);
  return Buffer.from(data);
}
