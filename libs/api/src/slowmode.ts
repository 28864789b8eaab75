/**
 * Channel slowmode (`rate_limit_per_user`): a member may send one message per
 * N seconds in that channel unless they have MANAGE_MESSAGES or
 * MANAGE_CHANNELS. Tracked in memory on this node only, so a user spreading
 * sends over several gateway nodes gets up to one message per node per
 * window.
 */
import { RestError } from './errors';

/** Remembers each (channel, user)'s last send. */
export class SlowmodeTracker {
  private readonly lastSend = new Map<string, number>();

  constructor(private readonly maxEntries = 100_000) {}

  /**
   * Records a send at `now`, or throws 429 code 20016 with retry_after when
   * the user sent in this channel less than `seconds` ago.
   */
  check(channelId: string, userId: string, seconds: number, now: number): void {
    if (seconds <= 0) return;
    const key = `${channelId}:${userId}`;
    const last = this.lastSend.get(key);
    const windowMs = seconds * 1000;
    if (last !== undefined && now - last < windowMs) {
      const retryAfter = (last + windowMs - now) / 1000;
      throw new SlowmodeError(retryAfter);
    }
    if (this.lastSend.size >= this.maxEntries) this.lastSend.delete(this.lastSend.keys().next().value as string);
    this.lastSend.delete(key);
    this.lastSend.set(key, now);
  }
}

/** Thrown by SlowmodeTracker.check when the channel's slowmode window has not passed; answers 429 code 20016. */
export class SlowmodeError extends RestError {
  constructor(
    /** Seconds until the user may send again. */
    readonly retryAfter: number,
  ) {
    super(429, 20016, 'This action cannot be performed due to slowmode rate limit.');
  }

  override toBody(): { code: number; message: string; retry_after: number; global: boolean } {
    return { code: this.code, message: this.message, retry_after: Number(this.retryAfter.toFixed(3)), global: false };
  }
}
