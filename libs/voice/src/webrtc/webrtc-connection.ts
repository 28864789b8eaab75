/**
 * One browser on the WebRTC signalling route: `identify` with the
 * VOICE_SERVER_UPDATE token, `offer` -> `answer`, then media over the
 * PeerConnection into the same SFU call actor as the UDP peers (as a sink
 * peer). The session is a {@link VoiceSession} like a Discord client's, so
 * the directory, RevokeSession, UpdateParticipant and the others' SPEAKING /
 * CLIENT_DISCONNECT notices treat both kinds alike.
 */
import type { WebSocket } from 'ws';
import { effectiveMute } from '../allocation/call-registry';
import { VoiceProtocolError } from '../errors';
import type { OpusFrame, SinkPeer } from '../media';
import type { VoiceGatewayDeps } from '../gateway/voice-connection';
import { VoiceClose, VoiceOp } from '../gateway/voice-opcodes';
import { admitSession } from '../gateway/admit-session';
import type { VoiceSession, SessionSocket } from '../gateway/voice-session';
import { WebRtcNegotiationError } from './errors';
import { sessionPeerOf } from './sink-session-peer';
import { decodeClientMessage, type ClientMessage, type ServerMessage } from './webrtc-messages';
import { WebRtcPeer } from './webrtc-peer';

/** Settings of the WebRTC route on top of the voice gateway's. */
export interface WebRtcSettings {
  /** Extra ICE host candidate addresses (e.g. the public IP behind 1:1 NAT, or 127.0.0.1 in tests). */
  readonly iceHosts: readonly string[];
  /** UDP port range of the PeerConnections' ICE sockets; undefined: any. */
  readonly icePortRange?: readonly [number, number] | undefined;
  /** How long ICE gathering may take before the answer goes out; default 3000 ms. */
  readonly gatherTimeoutMs?: number;
}

/** A browser that sent audio is "speaking" until this long without a packet. */
const SPEAKING_HOLD_MS = 300;

/** One signalling WebSocket and, after `offer`, its PeerConnection. */
export class WebRtcConnection implements SessionSocket {
  /** Notices arrive from the session rendered as Discord voice frames; v8 adds `seq`, which is ignored. */
  readonly version = 8;
  private session: VoiceSession | undefined;
  private sink: SinkPeer | undefined;
  private peer: WebRtcPeer | undefined;
  private negotiation: Promise<void> | undefined;
  private deadline: NodeJS.Timeout | undefined;
  private speakingCheck: NodeJS.Timeout | undefined;
  private lastAudioAt = 0;
  private closed = false;

  constructor(
    private readonly ws: WebSocket,
    private readonly deps: VoiceGatewayDeps,
    private readonly settings: WebRtcSettings,
  ) {
    ws.on('message', (data, isBinary) => this.onMessage(toBuffer(data), isBinary));
    ws.on('close', () => this.onClose());
    ws.on('error', (error) => deps.logger.debug({ err: error }, 'webrtc signalling socket error'));
    // Identify must come soon; the PeerConnection's ICE consent keeps the session alive afterwards.
    this.deadline = setTimeout(() => this.fail(new VoiceProtocolError(VoiceClose.SessionTimeout, 'no identify')), deps.heartbeatIntervalMs * 2);
    this.deadline.unref();
  }

  /** {@link SessionSocket.sendText}: the session's Discord notices, translated to this route's messages. */
  sendText(text: string): void {
    const frame = JSON.parse(text) as { op: number; d: Record<string, unknown> };
    const d = frame.d;
    if (frame.op === VoiceOp.Speaking) this.send({ op: 'speaking', user_id: String(d.user_id), ssrc: Number(d.ssrc), speaking: Number(d.speaking) !== 0 });
    else if (frame.op === VoiceOp.ClientsConnect) this.send({ op: 'clients_connect', user_ids: (d.user_ids as unknown[]).map(String) });
    else if (frame.op === VoiceOp.ClientDisconnect) this.send({ op: 'client_disconnect', user_id: String(d.user_id) });
  }

  /** {@link SessionSocket.closeDetached}: the session ended (leave, revoke, replaced); close socket and PeerConnection. */
  closeDetached(code: number, reason: string): void {
    this.session = undefined;
    this.close(code, reason);
  }

  private onMessage(data: Buffer, isBinary: boolean): void {
    if (this.closed) return;
    try {
      this.handle(decodeClientMessage(data, isBinary));
    } catch (error) {
      this.fail(error);
    }
  }

  private handle(message: ClientMessage): void {
    if (message.op === 'heartbeat') return this.send(message.nonce === undefined ? { op: 'heartbeat_ack' } : { op: 'heartbeat_ack', nonce: message.nonce });
    if (message.op === 'identify') return this.identify(message);
    const session = this.session;
    if (!session) throw new VoiceProtocolError(VoiceClose.NotAuthenticated, `${message.op} before identify`);
    if (message.op === 'leave') return session.end(1000, 'left');
    if (message.op === 'offer') return this.offer(message.sdp);
    const negotiation = this.negotiation;
    if (!negotiation) throw new VoiceProtocolError(VoiceClose.FailedToDecode, 'candidate before offer');
    negotiation.then(() => this.peer?.addCandidate(message.candidate)).catch((error: unknown) => this.fail(error));
  }

  private identify(d: Extract<ClientMessage, { op: 'identify' }>): void {
    if (this.session) throw new VoiceProtocolError(VoiceClose.AlreadyAuthenticated, 'already identified');
    let sink: SinkPeer | undefined;
    const { session, claim } = admitSession(this.deps, d, this, {
      joinCall: (call, userId, ssrc) => sessionPeerOf((sink = call.joinSink({ userId, ssrc, deliver: (frame) => this.deliver(frame) }))),
      // No resume on this route: a dropped socket ends the session at once, so the grace is never armed.
      graceMs: 0,
      onEnded: () => this.stopSpeaking(false),
    });
    const ssrc = session.seat.ssrc;
    const { directory } = this.deps;
    this.sink = sink;
    this.session = session;
    if (this.deadline) clearTimeout(this.deadline);
    const others = directory.others(session);
    this.send({ op: 'ready', ssrc, users: others.map((other) => ({ user_id: other.seat.userId, ssrc: other.seat.ssrc, speaking: other.seat.speaking })) });
    for (const other of others) {
      other.send(VoiceOp.ClientsConnect, { user_ids: [claim.userId] });
      other.send(VoiceOp.Speaking, { user_id: claim.userId, ssrc, speaking: 0 });
    }
    directory.add(session);
  }

  private offer(sdp: string): void {
    if (this.peer) throw new VoiceProtocolError(VoiceClose.FailedToDecode, 'renegotiation is not supported: one offer per session');
    const peer = new WebRtcPeer({
      iceHosts: this.settings.iceHosts,
      icePortRange: this.settings.icePortRange,
      gatherTimeoutMs: this.settings.gatherTimeoutMs ?? 3000,
      onOpus: (frame) => this.fromBrowser(frame),
      onGone: (state) => this.session?.end(VoiceClose.Disconnected, `peer connection ${state}`),
    });
    this.peer = peer;
    this.negotiation = peer.answer(sdp).then((answer) => {
      if (!this.closed) this.send({ op: 'answer', sdp: answer });
    });
    this.negotiation.catch((error: unknown) => this.fail(error));
  }

  /** A frame of another speaker from the call actor, for the browser. */
  private deliver(frame: OpusFrame): void {
    this.peer?.send(frame);
  }

  /** The browser's own Opus: into the call, and SPEAKING for the others while it flows. */
  private fromBrowser(frame: Omit<OpusFrame, 'ssrc'>): void {
    const session = this.session;
    if (!session || !this.sink) return;
    this.sink.inject(frame);
    if (effectiveMute(session.seat)) return;
    this.lastAudioAt = performance.now();
    if (this.speakingCheck) return;
    this.setSpeaking(session, true);
    this.speakingCheck = setInterval(() => {
      if (performance.now() - this.lastAudioAt >= SPEAKING_HOLD_MS) this.stopSpeaking(true);
    }, SPEAKING_HOLD_MS / 3);
    this.speakingCheck.unref();
  }

  private stopSpeaking(announce: boolean): void {
    if (!this.speakingCheck) return;
    clearInterval(this.speakingCheck);
    this.speakingCheck = undefined;
    const session = this.session;
    if (announce && session && !session.isEnded) this.setSpeaking(session, false);
  }

  private setSpeaking(session: VoiceSession, speaking: boolean): void {
    session.seat.speaking = speaking;
    for (const other of this.deps.directory.others(session)) other.send(VoiceOp.Speaking, { user_id: session.seat.userId, ssrc: session.seat.ssrc, speaking: speaking ? 1 : 0 });
  }

  private send(message: ServerMessage): void {
    if (!this.closed && this.ws.readyState === this.ws.OPEN) this.ws.send(JSON.stringify(message));
  }

  /** Any error on this route: a protocol error closes with its code, a negotiation error 4002, anything else 1011. */
  private fail(error: unknown): void {
    if (this.closed) return;
    let code = 1011;
    let message = 'internal error';
    if (error instanceof VoiceProtocolError) {
      code = error.closeCode;
      message = error.message;
    } else if (error instanceof WebRtcNegotiationError) {
      code = VoiceClose.FailedToDecode;
      message = error.message;
    } else {
      this.deps.logger.error({ err: error }, 'webrtc signalling handler failed');
    }
    this.deps.logger.debug({ code, reason: message }, 'webrtc signalling error');
    this.send({ op: 'error', code, message });
    const session = this.session;
    if (session) session.end(code, message);
    else this.close(code, message);
  }

  private close(code: number, reason: string): void {
    if (this.closed) return;
    this.closed = true;
    try {
      this.ws.close(code, reason.replace(/[^\x20-\x7e]/g, '?').slice(0, 120));
    } catch {
      this.ws.terminate();
    }
    this.release();
  }

  private onClose(): void {
    this.closed = true;
    this.release();
  }

  /** Ends the session (no resume on this route) and closes the PeerConnection. */
  private release(): void {
    if (this.deadline) clearTimeout(this.deadline);
    this.stopSpeaking(false);
    const session = this.session;
    this.session = undefined;
    session?.end(1000, 'signalling socket closed');
    const peer = this.peer;
    this.peer = undefined;
    this.sink = undefined;
    if (peer) void peer.close();
  }
}

function toBuffer(data: Buffer | ArrayBuffer | Buffer[]): Buffer {
  if (Buffer.isBuffer(data)) return data;
  if (Array.isArray(data)) return Buffer.concat(data);
  return Buffer.from(data);
}
