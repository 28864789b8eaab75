/**
 * History reads over (channel_id, bucket) partitions. A walk starts in the
 * anchor's bucket (one query answers the common page), then lists the
 * channel's non-empty buckets from `channel_buckets` in the walk's direction,
 * BUCKET_LIST_PAGE at a time, and reads them one by one until the page is
 * full or the list ends (the channel's first bucket going backwards, its
 * newest going forwards). Empty ten-day windows are never read.
 */
import type { StoredMessage } from '../messages/message-store.port';
import { bucketOf } from './bucket';
import { MESSAGE_COLUMNS, toMessage } from './scylla-message-row';
import type { ScyllaSession } from './scylla-session';

/** Buckets listed per channel_buckets query. */
export const BUCKET_LIST_PAGE = 16;

/** Reads pages of one channel's history. */
export class ScyllaMessageHistory {
  private readonly q;

  constructor(private readonly session: ScyllaSession) {
    const messages = session.table('messages');
    const buckets = session.table('channel_buckets');
    const base = `SELECT ${MESSAGE_COLUMNS} FROM ${messages} WHERE channel_id = ? AND bucket = ?`;
    this.q = {
      newest: `${base} LIMIT ?`,
      below: `${base} AND message_id < ? LIMIT ?`,
      atOrBelow: `${base} AND message_id <= ? LIMIT ?`,
      oldest: `${base} ORDER BY message_id ASC LIMIT ?`,
      above: `${base} AND message_id > ? ORDER BY message_id ASC LIMIT ?`,
      bucketsNewest: `SELECT bucket FROM ${buckets} WHERE channel_id = ? LIMIT ?`,
      bucketsBelow: `SELECT bucket FROM ${buckets} WHERE channel_id = ? AND bucket < ? LIMIT ?`,
      bucketsAbove: `SELECT bucket FROM ${buckets} WHERE channel_id = ? AND bucket > ? ORDER BY bucket ASC LIMIT ?`,
    };
  }

  /**
   * Up to `count` messages older than `anchor` (or at it when `inclusive`;
   * the newest when `anchor` is null), newest first.
   */
  async older(channelId: bigint, anchor: bigint | null, inclusive: boolean, count: number, signal?: AbortSignal): Promise<StoredMessage[]> {
    const found: StoredMessage[] = [];
    let cursor: number | null = null;
    if (anchor !== null) {
      cursor = bucketOf(anchor);
      const query = inclusive ? this.q.atOrBelow : this.q.below;
      found.push(...(await this.read('messages.history', query, [channelId, cursor, anchor, count], signal)));
    }
    while (found.length < count) {
      const buckets: number[] =
        cursor === null
          ? await this.buckets(this.q.bucketsNewest, [channelId, BUCKET_LIST_PAGE], signal)
          : await this.buckets(this.q.bucketsBelow, [channelId, cursor, BUCKET_LIST_PAGE], signal);
      for (const bucket of buckets) {
        found.push(...(await this.read('messages.history', this.q.newest, [channelId, bucket, count - found.length], signal)));
        cursor = bucket;
        if (found.length >= count) break;
      }
      if (buckets.length < BUCKET_LIST_PAGE) break;
    }
    return found;
  }

  /** Up to `count` messages strictly newer than `anchor`, OLDEST first. */
  async newer(channelId: bigint, anchor: bigint, count: number, signal?: AbortSignal): Promise<StoredMessage[]> {
    let cursor = bucketOf(anchor);
    const found = await this.read('messages.history', this.q.above, [channelId, cursor, anchor, count], signal);
    while (found.length < count) {
      const buckets = await this.buckets(this.q.bucketsAbove, [channelId, cursor, BUCKET_LIST_PAGE], signal);
      for (const bucket of buckets) {
        found.push(...(await this.read('messages.history', this.q.oldest, [channelId, bucket, count - found.length], signal)));
        cursor = bucket;
        if (found.length >= count) break;
      }
      if (buckets.length < BUCKET_LIST_PAGE) break;
    }
    return found;
  }

  private async read(operation: string, query: string, params: unknown[], signal?: AbortSignal): Promise<StoredMessage[]> {
    const result = await this.session.execute(operation, 'read', query, params, signal);
    return result.rows.map(toMessage);
  }

  private async buckets(query: string, params: unknown[], signal?: AbortSignal): Promise<number[]> {
    const result = await this.session.execute('messages.history', 'read', query, params, signal);
    return result.rows.map((row) => row.get('bucket') as number);
  }
}
