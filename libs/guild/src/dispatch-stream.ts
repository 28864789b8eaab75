/**
 * One gateway node's StreamDispatches stream as the guild node sees it: an
 * async iterable of frames the gRPC handler yields (one yield = one write on
 * the wire), fed by the batcher. `paused` holds flushes back while a
 * reconnecting stream's cursors are replayed.
 */
import type { guildV1 } from '@chat/proto';

/** A queue of outgoing frames with a single async consumer. */
export class DispatchStream implements AsyncIterable<guildV1.StreamDispatchesResponse> {
  private readonly frames: guildV1.StreamDispatchesResponse[] = [];
  private wake: (() => void) | undefined;
  private closed = false;
  /** True while cursors are being replayed: the batcher keeps items queued. */
  paused = true;
  /** Frames handed to the consumer so far. */
  written = 0;

  constructor(readonly nodeId: string) {}

  /** Queues one frame. Ignored after close. */
  push(frame: guildV1.StreamDispatchesResponse): void {
    if (this.closed) return;
    this.frames.push(frame);
    this.wake?.();
  }

  /** Ends the stream after the queued frames. */
  close(): void {
    this.closed = true;
    this.wake?.();
  }

  /** Whether close() was called. */
  get isClosed(): boolean {
    return this.closed;
  }

  async *[Symbol.asyncIterator](): AsyncIterator<guildV1.StreamDispatchesResponse> {
    for (;;) {
      const frame = this.frames.shift();
      if (frame !== undefined) {
        this.written += 1;
        yield frame;
        continue;
      }
      if (this.closed) return;
      await new Promise<void>((resolve) => {
        this.wake = resolve;
      });
      this.wake = undefined;
    }
  }
}
