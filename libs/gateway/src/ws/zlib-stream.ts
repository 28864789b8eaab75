import { constants, createDeflate, type Deflate } from 'node:zlib';

/** The four bytes that end every zlib-stream message (an empty stored block of Z_SYNC_FLUSH). */
export const ZLIB_SUFFIX = Buffer.from([0x00, 0x00, 0xff, 0xff]);

/**
 * One zlib deflate context for the life of a connection (Discord's
 * `compress=zlib-stream`): each message is written and flushed with
 * Z_SYNC_FLUSH, so its bytes end with 00 00 ff ff and the client inflates
 * them with one inflater it keeps for the whole connection. Messages are
 * compressed strictly one after another; `onChunk` receives them in order.
 */
export class ZlibStreamEncoder {
  private readonly deflate: Deflate;
  private readonly queue: Buffer[] = [];
  private pending: Buffer[] = [];
  private busy = false;
  private closed = false;
  private idleWaiters: (() => void)[] = [];

  constructor(private readonly onChunk: (compressed: Buffer) => void) {
    this.deflate = createDeflate({ level: 6, chunkSize: 16 * 1024 });
    this.deflate.on('data', (chunk: Buffer) => this.pending.push(chunk));
    this.deflate.on('error', () => this.close());
  }

  /** Queues one message. Ignored after `close()`. */
  write(message: string | Buffer): void {
    if (this.closed) return;
    this.queue.push(typeof message === 'string' ? Buffer.from(message, 'utf8') : message);
    this.pump();
  }

  /** Calls `callback` once every queued message has been handed to `onChunk` (at once when idle). */
  whenIdle(callback: () => void): void {
    if (this.closed || (!this.busy && this.queue.length === 0)) callback();
    else this.idleWaiters.push(callback);
  }

  /** Frees the context; queued messages are dropped. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.queue.length = 0;
    this.deflate.destroy();
    this.wakeIdle();
  }

  private pump(): void {
    if (this.busy || this.closed) return;
    const next = this.queue.shift();
    if (!next) {
      this.wakeIdle();
      return;
    }
    this.busy = true;
    this.deflate.write(next);
    this.deflate.flush(constants.Z_SYNC_FLUSH, () => this.finishOne());
  }

  private wakeIdle(): void {
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const waiter of waiters) waiter();
  }

  private finishOne(): void {
    if (this.closed) return;
    const out = Buffer.concat(this.pending);
    if (out.length < 4 || !out.subarray(out.length - 4).equals(ZLIB_SUFFIX)) {
      // The flush's output has not all been emitted yet; look again once it has.
      setImmediate(() => this.finishOne());
      return;
    }
    this.pending = [];
    this.busy = false;
    this.onChunk(out);
    this.pump();
  }
}
