/**
 * Remembers which message a (channel, author, nonce) created, for
 * `enforce_nonce`, for `ttlMs` (Discord: a few minutes). In memory per
 * instance: channel-affine routing sends a channel's creates to one
 * instance, so that is where the earlier create happened. Bounded: past
 * `maxEntries` the oldest go first.
 */
export class NonceCache {
  private readonly entries = new Map<string, { messageId: string; expires: number }>();

  constructor(
    private readonly ttlMs = 5 * 60_000,
    private readonly maxEntries = 100_000,
    private readonly clock: () => number = Date.now,
  ) {}

  /** The message id created with this nonce within the window, if any. */
  get(channelId: string, authorId: string, nonce: string): string | undefined {
    const key = `${channelId}:${authorId}:${nonce}`;
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    if (entry.expires <= this.clock()) {
      this.entries.delete(key);
      return undefined;
    }
    return entry.messageId;
  }

  /** Records the message a nonce created. */
  set(channelId: string, authorId: string, nonce: string, messageId: string): void {
    const key = `${channelId}:${authorId}:${nonce}`;
    this.entries.delete(key);
    this.entries.set(key, { messageId, expires: this.clock() + this.ttlMs });
    while (this.entries.size > this.maxEntries) {
      const oldest = this.entries.keys().next().value;
      if (oldest === undefined) break;
      this.entries.delete(oldest);
    }
  }
}
