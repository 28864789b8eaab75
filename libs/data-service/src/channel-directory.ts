import { Coalescer } from '@chat/coalesce';
import { UnknownChannelError } from './errors';

/** Per-call controls passed down to the store. */
export interface CallOptions {
  /** The caller's cancellation (the gRPC call's signal). */
  signal?: AbortSignal;
  /** The caller's deadline (the gRPC call's). */
  deadline?: Date;
}

/** Answers whether a channel exists; wired to the guilds port's `getChannel` (see data-service.module.ts). */
export type ChannelExists = (channelId: string, options: CallOptions) => Promise<boolean>;

/**
 * Channel existence checks for the write path, and for reads that came back
 * empty: concurrent lookups of one channel share one query, and channels
 * seen to exist are remembered for `ttlMs` (a channel deleted meanwhile can
 * take a write for up to that long). Unknown channels are not remembered, so
 * a channel created a moment ago is found at once.
 */
export class ChannelDirectory {
  private readonly known = new Map<string, number>();
  private readonly lookups = new Coalescer<boolean>();

  constructor(
    private readonly lookup: ChannelExists,
    private readonly ttlMs = 60_000,
    private readonly maxEntries = 100_000,
    private readonly clock: () => number = Date.now,
  ) {}

  /** True when the channel exists (from the cache or the store). */
  async exists(channelId: string, options: CallOptions = {}): Promise<boolean> {
    const expires = this.known.get(channelId);
    if (expires !== undefined && expires > this.clock()) return true;
    const found = await this.lookups.run(channelId, (signal) => this.lookup(channelId, { signal, deadline: options.deadline }), { signal: options.signal });
    if (found) this.remember(channelId);
    else this.known.delete(channelId);
    return found;
  }

  /** @throws {UnknownChannelError} when the channel does not exist. */
  async require(channelId: string, options: CallOptions = {}): Promise<void> {
    if (!(await this.exists(channelId, options))) throw new UnknownChannelError(channelId);
  }

  private remember(channelId: string): void {
    this.known.delete(channelId);
    this.known.set(channelId, this.clock() + this.ttlMs);
    while (this.known.size > this.maxEntries) {
      const oldest = this.known.keys().next().value;
      if (oldest === undefined) break;
      this.known.delete(oldest);
    }
  }
}
