import type { DispatchFrame } from '../relay/local-sessions';

/** One buffered dispatch with the `s` it was sent with. */
export interface BufferedDispatch {
  readonly sequence: number;
  readonly frame: DispatchFrame;
}

/**
 * The last `capacity` dispatches of a session, for RESUME. Frames are the
 * relay's shared objects, so a buffer costs one slot per dispatch, not a copy.
 * Slots are two parallel arrays that grow on demand up to `capacity` (an idle
 * session with capacity 1000 does not hold 1000 empty slots), then wrap.
 */
export class ReplayBuffer {
  private readonly frames: DispatchFrame[] = [];
  private readonly sequences: number[] = [];
  private start = 0;
  readonly capacity: number;

  constructor(capacity: number) {
    this.capacity = Math.max(1, capacity);
  }

  /** Number of dispatches held. */
  get size(): number {
    return this.frames.length;
  }

  /** Appends the dispatch sent with `sequence`, dropping the oldest when full. */
  push(sequence: number, frame: DispatchFrame): void {
    if (this.frames.length < this.capacity) {
      this.frames.push(frame);
      this.sequences.push(sequence);
      return;
    }
    this.frames[this.start] = frame;
    this.sequences[this.start] = sequence;
    this.start = (this.start + 1) % this.capacity;
  }

  /**
   * The dispatches after `sequence`, or undefined when some of them were
   * already dropped (the session cannot be resumed from there).
   */
  after(sequence: number, lastSequence: number): BufferedDispatch[] | undefined {
    if (sequence > lastSequence || sequence < 0) return undefined;
    if (sequence === lastSequence) return [];
    const out: BufferedDispatch[] = [];
    const count = this.frames.length;
    for (let i = 0; i < count; i += 1) {
      const slot = (this.start + i) % count;
      const itemSequence = this.sequences[slot] as number;
      if (itemSequence > sequence) out.push({ sequence: itemSequence, frame: this.frames[slot] as DispatchFrame });
    }
    const first = out[0];
    if (!first || first.sequence !== sequence + 1) return undefined;
    return out;
  }
}
