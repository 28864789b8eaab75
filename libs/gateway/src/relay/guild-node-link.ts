/**
 * The gateway node's one StreamDispatches stream to one guild node. Opens it
 * with this gateway node's id, hands each DispatchBatch to the guild relays,
 * and reopens it with cursors (last sequence per guild) when it breaks, with
 * a capped backoff. Reports a new incarnation (the guild node restarted: all
 * attachments gone), guilds it could not replay (resync), and losing the node.
 */
import type { guildV1 } from '@chat/proto';

/** The part of a GuildService client the link uses. */
export interface StreamSource {
  streamDispatches(request: guildV1.StreamDispatchesRequest, options?: { signal?: AbortSignal }): AsyncIterable<guildV1.StreamDispatchesResponse>;
}

/** What the link reports to the relay. */
export interface GuildNodeLinkHandler {
  /** Cursors to reopen with: last sequence per guild served by this node. */
  cursors(guildNodeId: string): guildV1.GuildCursor[];
  /** One batch of one guild. */
  batch(guildNodeId: string, batch: guildV1.DispatchBatch): void;
  /** The stream is (re)open. `restarted` when the incarnation changed since the last hello. */
  opened(guildNodeId: string, hello: guildV1.StreamHello, restarted: boolean): void;
  /** The stream broke and the first reopen failed: the node counts as lost until it answers again. */
  lost(guildNodeId: string, error: unknown): void;
}

/** Options of a link. */
export interface GuildNodeLinkOptions {
  /** First reconnect delay (doubles up to maxBackoffMs). Default 100 ms. */
  initialBackoffMs?: number;
  /** Default 5000 ms. */
  maxBackoffMs?: number;
}

/** A self-healing stream to one guild node. */
export class GuildNodeLink {
  private readonly abort = new AbortController();
  private incarnation: string | undefined;
  private open = false;
  private openWaiters: (() => void)[] = [];
  private isLost = false;
  /** Ends the current wait between two reopen attempts. */
  private wakeBackoff: (() => void) | undefined;
  /** Number of times the stream was opened. */
  opens = 0;
  private loop: Promise<void> | undefined;

  constructor(
    readonly guildNodeId: string,
    private readonly gatewayNodeId: string,
    private readonly source: () => StreamSource,
    private readonly handler: GuildNodeLinkHandler,
    private readonly options: GuildNodeLinkOptions = {},
  ) {}

  /** Whether the stream is open now (its hello arrived). */
  get isOpen(): boolean {
    return this.open;
  }

  /** True once the stream broke and a reopen failed too, until it opens again: the node is taken for dead. */
  get down(): boolean {
    return this.isLost;
  }

  /**
   * Resolves when the stream is open (its hello arrived), so the guild node
   * queues items for this gateway node: attach only after this.
   */
  whenOpen(): Promise<void> {
    if (this.open) return Promise.resolve();
    return new Promise<void>((resolve) => this.openWaiters.push(resolve));
  }

  /** Tries to reopen now instead of at the end of the current backoff (the node is known to be back, e.g. a guild moved to it). */
  wake(): void {
    this.wakeBackoff?.();
  }

  /** Starts the stream loop. */
  start(): void {
    this.loop ??= this.run();
  }

  /** Whether the node counts as lost now. */
  get lostNow(): boolean {
    return this.isLost;
  }

  /** Stops the stream for good. */
  async close(): Promise<void> {
    this.abort.abort();
    await this.loop;
  }

  private async run(): Promise<void> {
    let backoff = this.options.initialBackoffMs ?? 100;
    let failures = 0;
    let lastError: unknown;
    while (!this.abort.signal.aborted) {
      try {
        const request = { nodeId: this.gatewayNodeId, cursors: this.incarnation === undefined ? [] : this.handler.cursors(this.guildNodeId) };
        for await (const response of this.source().streamDispatches(request, { signal: this.abort.signal })) {
          const frame = response.frame;
          if (frame?.$case === 'hello') {
            const restarted = this.incarnation !== undefined && frame.hello.incarnation !== this.incarnation;
            this.incarnation = frame.hello.incarnation;
            this.opens += 1;
            failures = 0;
            backoff = this.options.initialBackoffMs ?? 100;
            this.isLost = false;
            this.open = true;
            this.handler.opened(this.guildNodeId, frame.hello, restarted);
            for (const wake of this.openWaiters.splice(0)) wake();
          } else if (frame?.$case === 'batch') {
            this.handler.batch(this.guildNodeId, frame.batch);
          }
        }
        lastError = new Error(`stream from guild node ${this.guildNodeId} ended`);
      } catch (error) {
        lastError = error;
      }
      this.open = false;
      if (this.abort.signal.aborted) return;
      failures += 1;
      if (failures >= 2 && !this.isLost) {
        this.isLost = true;
        this.handler.lost(this.guildNodeId, lastError);
      }
      if (this.abort.signal.aborted) return;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, backoff);
        timer.unref();
        this.wakeBackoff = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.wakeBackoff = undefined;
      backoff = Math.min(backoff * 2, this.options.maxBackoffMs ?? 5000);
    }
  }
}
