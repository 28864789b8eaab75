import type { DispatchFrame } from '../relay/local-sessions';

/** One buffered dispatch with the `s` it was sent with. */
export interface BufferedDispatch {
  readonly sequence: number;
  readonly frame: DispatchFrame;
}

/**
 * The last `capacity` dispatches of a session, for RESUME. Frames are the
 * relay's shared objects, so a buffer costs one slot per dispatch, not a copy.
 */
export class ReplayBuffer {
  private readonly items: (BufferedDispatch | undefined)[];
  private start = 0;
  private count = 0;

  constructor(readonly capacity: number) {
    this.items = new Array<BufferedDispatch | undefined>(Math.max(1, capacity));
  }

  /** Appends a dispatch, dropping the oldest when full. */
  push(item: BufferedDispatch): void {
    const size = this.items.length;
    if (this.count < size) {
      this.items[(this.start + this.count) % size] = item;
      this.count += 1;
    } else {
      this.items[this.start] = item;
      this.start = (this.start + 1) % size;
    }
  }

  /**
   * The dispatches after `sequence`, or undefined when some of them were
   * already dropped (the session cannot be resumed from there).
   */
  after(sequence: number, lastSequence: number): BufferedDispatch[] | undefined {
    if (sequence > lastSequence || sequence < 0) return undefined;
    if (sequence === lastSequence) return [];
    const out: BufferedDispatch[] = [];
    for (let i = 0; i < this.count; i += 1) {
      const item = this.items[(this.start + i) % this.items.length];
      if (item && item.sequence > sequence) out.push(item);
    }
    const first = out[0];
    if (!first || first.sequence !== sequence + 1) return undefined;
    return out;
  }
}
