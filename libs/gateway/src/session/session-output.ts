/**
 * A session's dispatch output: the Discord `s` counter, the resume buffer and
 * the current connection. Dispatches from the relay are written here
 * synchronously, without a hop through the session actor's mailbox (a
 * message, a promise chain and a turn per dispatch and session was the
 * largest per-delivery cost in the fan-out profile).
 *
 * Ordering is kept by `hold`: while the session actor is attaching guilds
 * (READY, then one GUILD_CREATE per guild) the output is held, relay
 * deliveries wait in a plain array, and `release` writes them after the
 * actor's own frames. Every frame, from the relay or from the actor, gets the
 * next `s` and goes into the resume buffer in the order it is written.
 */
import { encodeDispatchFrame, type DispatchFrame } from '../relay/local-sessions';
import { ReplayBuffer, type BufferedDispatch } from './replay-buffer';
import type { SessionTransport } from './session-transport';

/** The dispatch side of one session. */
export class SessionOutput {
  /** The last `s` sent. */
  sequence = 0;
  /** The connection frames go to; undefined while disconnected (frames still get an `s` and are buffered). */
  transport: SessionTransport | undefined;
  private readonly buffer: ReplayBuffer;
  private holds = 0;
  private held: DispatchFrame[] = [];
  private ended = false;

  constructor(replayCapacity: number, transport: SessionTransport | undefined) {
    this.buffer = new ReplayBuffer(replayCapacity);
    this.transport = transport;
  }

  /** Whether the session ended (every later frame is dropped). */
  get isEnded(): boolean {
    return this.ended;
  }

  /** Frames waiting for `release`. */
  get heldCount(): number {
    return this.held.length;
  }

  /**
   * A dispatch from the relay (or GatewayService): written now, or queued
   * while the output is held. Never throws.
   */
  deliver(frame: DispatchFrame): void {
    if (this.ended) return;
    if (this.holds > 0) this.held.push(frame);
    else this.write(frame);
  }

  /** A dispatch from the session actor itself: written now, ahead of anything held. */
  write(frame: DispatchFrame): void {
    if (this.ended) return;
    const sequence = (this.sequence += 1);
    this.buffer.push(sequence, frame);
    this.transport?.send(encodeDispatchFrame(frame, sequence));
  }

  /** Holds relay deliveries back until the matching `release` (holds nest). */
  hold(): void {
    this.holds += 1;
  }

  /** Ends one hold; the last one writes everything held, in arrival order. */
  release(): void {
    if (this.holds === 0) return;
    this.holds -= 1;
    if (this.holds > 0) return;
    const frames = this.held;
    this.held = [];
    for (const frame of frames) this.write(frame);
  }

  /** The buffered dispatches after `sequence`, or undefined when the buffer no longer covers it. */
  after(sequence: number): BufferedDispatch[] | undefined {
    return this.buffer.after(sequence, this.sequence);
  }

  /** Drops everything from now on and forgets the transport. */
  end(): void {
    this.ended = true;
    this.held = [];
    this.transport = undefined;
  }
}
