import type { CallRegistry, Seat, SeatLink } from '../allocation/call-registry';
import type { MediaPeer } from '../media';
import type { SessionDirectory } from './session-directory';
import { VoiceOp } from './voice-opcodes';

/** The socket side of a session: what a voice connection offers it. */
export interface SessionSocket {
  /** The gateway version the client asked for (`?v=`). */
  readonly version: number;
  sendText(text: string): void;
  /** Closes the socket without reporting a loss back to the session. */
  closeDetached(code: number, reason: string): void;
}

interface Sent {
  seq: number | undefined;
  op: number;
  d: unknown;
}

/** How many sequenced messages a session keeps for a v8 RESUME. */
const REPLAY_BUFFER = 64;

/**
 * One participant's voice session from READY until it ends: its seat, its
 * media peer and its outgoing sequence. It outlives its socket: after a drop
 * it waits `graceMs` for a RESUME with the same token before it ends and the
 * others get CLIENT_DISCONNECT.
 */
export class VoiceSession implements SeatLink {
  private socket: SessionSocket | null;
  private seq = 0;
  private acked = 0;
  private readonly sent: Sent[] = [];
  private grace: NodeJS.Timeout | undefined;
  private ended = false;

  constructor(
    readonly seat: Seat,
    readonly peer: MediaPeer,
    /** The token IDENTIFY consumed; RESUME must present it again. */
    readonly token: string,
    socket: SessionSocket,
    private readonly deps: { directory: SessionDirectory; registry: CallRegistry; graceMs: number; onEnded?: (session: VoiceSession) => void },
  ) {
    this.socket = socket;
  }

  /** True once the session ended (revoked, replaced, or its grace ran out). */
  get isEnded(): boolean {
    return this.ended;
  }

  /** True while a socket is attached. */
  get isConnected(): boolean {
    return this.socket !== null;
  }

  /** Sends a message; every opcode but HELLO and HEARTBEAT_ACK is sequenced and kept for replay. */
  send(op: number, d: unknown): void {
    if (this.ended) return;
    const entry: Sent = { seq: undefined, op, d };
    if (op !== VoiceOp.Hello && op !== VoiceOp.HeartbeatAck) {
      this.seq += 1;
      entry.seq = this.seq;
      this.sent.push(entry);
      if (this.sent.length > REPLAY_BUFFER) this.sent.shift();
    }
    if (this.socket) this.socket.sendText(render(entry, this.socket.version));
  }

  /** Records the client's `seq_ack` (v8 heartbeats); acknowledged messages leave the replay buffer. */
  ack(seqAck: number): void {
    if (seqAck <= this.acked || seqAck > this.seq) return;
    this.acked = seqAck;
    while (this.sent.length > 0 && (this.sent[0]?.seq ?? 0) <= seqAck) this.sent.shift();
  }

  /**
   * Moves the session onto a new socket after RESUME: the old socket (if the
   * client had not noticed it died) is closed, RESUMED is sent, and a v8
   * client gets the sequenced messages after its `seq_ack` again.
   */
  resume(socket: SessionSocket, seqAck: number | undefined): void {
    if (this.ended) return;
    this.cancelGrace();
    const previous = this.socket;
    this.socket = socket;
    previous?.closeDetached(4006, 'session resumed elsewhere');
    this.seat.connected = true;
    this.send(VoiceOp.Resumed, null);
    if (socket.version >= 8 && seqAck !== undefined) {
      for (const entry of this.sent) if (entry.seq !== undefined && entry.seq > seqAck && entry.op !== VoiceOp.Resumed) socket.sendText(render(entry, socket.version));
    }
  }

  /** The socket dropped without the session ending: keep the peer for the grace window. */
  socketLost(socket: SessionSocket): void {
    if (this.ended || this.socket !== socket) return;
    this.socket = null;
    this.seat.connected = false;
    this.seat.speaking = false;
    this.cancelGrace();
    this.grace = setTimeout(() => this.end(4009, 'session timeout'), this.deps.graceMs);
    this.grace.unref();
  }

  /** {@link SeatLink.applyMedia}: effective mute and deafen onto the media peer. */
  applyMedia(muted: boolean, deafened: boolean): void {
    this.peer.setMuted(muted);
    this.peer.setDeafened(deafened);
  }

  /** {@link SeatLink.end}: closes the socket, stops the media, tells the others, frees the seat. Idempotent. */
  end(code: number, reason: string): void {
    this.finish(code, reason, false);
  }

  /** Ends the session but leaves the seat (and its mute/deafen) for the session that replaces it. */
  replace(code: number, reason: string): void {
    this.finish(code, reason, true);
  }

  private finish(code: number, reason: string, keepSeat: boolean): void {
    if (this.ended) return;
    this.ended = true;
    this.cancelGrace();
    const socket = this.socket;
    this.socket = null;
    socket?.closeDetached(code, reason);
    this.peer.leave();
    this.deps.directory.remove(this);
    for (const other of this.deps.directory.others(this)) other.send(VoiceOp.ClientDisconnect, { user_id: this.seat.userId });
    if (this.seat.link === this) {
      this.seat.link = undefined;
      this.seat.connected = false;
      this.seat.speaking = false;
      this.seat.ssrc = 0;
      if (!keepSeat) this.deps.registry.remove(this.seat);
    }
    this.deps.onEnded?.(this);
  }

  private cancelGrace(): void {
    if (this.grace) clearTimeout(this.grace);
    this.grace = undefined;
  }
}

function render(entry: Sent, version: number): string {
  return JSON.stringify(version >= 8 && entry.seq !== undefined ? { op: entry.op, d: entry.d, seq: entry.seq } : { op: entry.op, d: entry.d });
}
