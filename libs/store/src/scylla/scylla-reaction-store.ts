/**
 * ReactionStore on Scylla: a message's reactions are one partition,
 * clustered (emoji, type, user). Adding is a plain insert (idempotent), so
 * concurrent reactions never lose one; counts are server-side
 * `count(*) ... GROUP BY emoji, type` over the partition. `add` and the
 * removes answer from a read before the write: two racing adds of the same
 * reaction may both answer true (the caller then announces it twice, and
 * the later one's time is kept).
 */
import { toDbId } from '../ids';
import type { StoreCallOptions } from '../messages/message-store.port';
import { byFirstReaction, checkEmojiKey, checkReactionType, checkReactorPage } from '../reactions/reaction-args';
import type { NewReaction, ReactionCount, ReactionStore, ReactionTarget, ReactionType, ReactorPage } from '../reactions/reaction-store.port';
import type { ScyllaSession } from './scylla-session';
import { idText } from './scylla-values';

/** The Scylla reactions adapter. */
export class ScyllaReactionStore implements ReactionStore {
  private readonly q;

  constructor(private readonly session: ScyllaSession) {
    const t = session.table('reactions');
    const message = 'channel_id = ? AND message_id = ?';
    const key = `${message} AND emoji = ? AND type = ?`;
    this.q = {
      one: `SELECT user_id FROM ${t} WHERE ${key} AND user_id = ?`,
      anyOfEmoji: `SELECT user_id FROM ${t} WHERE ${message} AND emoji = ? LIMIT 1`,
      anyOfMessage: `SELECT user_id FROM ${t} WHERE ${message} LIMIT 1`,
      add: `INSERT INTO ${t} (channel_id, message_id, emoji, type, user_id, emoji_name, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)`,
      remove: `DELETE FROM ${t} WHERE ${key} AND user_id = ?`,
      removeEmoji: `DELETE FROM ${t} WHERE ${message} AND emoji = ?`,
      removeAll: `DELETE FROM ${t} WHERE ${message}`,
      counts: `SELECT emoji, type, count(*) AS n, min(created_at) AS first_at, max(emoji_name) AS name FROM ${t} WHERE ${message} GROUP BY emoji, type`,
      reactors: `SELECT user_id FROM ${t} WHERE ${key} AND user_id > ? LIMIT ?`,
    };
  }

  async add(reaction: NewReaction, options?: StoreCallOptions): Promise<boolean> {
    const key = this.key(reaction);
    const user = toDbId(reaction.userId, 'userId');
    const existed = (await this.session.execute('reactions.get', 'read', this.q.one, [...key, user], options?.signal)).rowLength > 0;
    // A repeat leaves the row alone: rewriting it would move its created_at, which orders a message's emojis.
    if (!existed) await this.session.execute('reactions.add', 'write', this.q.add, [...key, user, reaction.emojiName, new Date(reaction.at)], options?.signal);
    return !existed;
  }

  async remove(target: ReactionTarget, userId: string, options?: StoreCallOptions): Promise<boolean> {
    const key = this.key(target);
    const user = toDbId(userId, 'userId');
    const existed = (await this.session.execute('reactions.get', 'read', this.q.one, [...key, user], options?.signal)).rowLength > 0;
    if (existed) await this.session.execute('reactions.remove', 'write', this.q.remove, [...key, user], options?.signal);
    return existed;
  }

  async removeEmoji(channelId: string, messageId: string, emojiKey: string, options?: StoreCallOptions): Promise<boolean> {
    const params = [toDbId(channelId, 'channelId'), toDbId(messageId, 'messageId'), checkEmojiKey(emojiKey)];
    const existed = (await this.session.execute('reactions.anyOfEmoji', 'read', this.q.anyOfEmoji, params, options?.signal)).rowLength > 0;
    if (existed) await this.session.execute('reactions.removeEmoji', 'write', this.q.removeEmoji, params, options?.signal);
    return existed;
  }

  async removeAll(channelId: string, messageId: string, options?: StoreCallOptions): Promise<boolean> {
    const params = [toDbId(channelId, 'channelId'), toDbId(messageId, 'messageId')];
    const existed = (await this.session.execute('reactions.anyOfMessage', 'read', this.q.anyOfMessage, params, options?.signal)).rowLength > 0;
    if (existed) await this.session.execute('reactions.removeAll', 'write', this.q.removeAll, params, options?.signal);
    return existed;
  }

  async counts(channelId: string, messageIds: readonly string[], viewerId: string | undefined, options?: StoreCallOptions): Promise<Map<string, ReactionCount[]>> {
    const channel = toDbId(channelId, 'channelId');
    const viewer = viewerId === undefined ? undefined : toDbId(viewerId, 'viewerId');
    const byMessage = new Map<string, ReactionCount[]>();
    await Promise.all(
      messageIds.map(async (messageId) => {
        const message = toDbId(messageId, 'messageId');
        const rows = await this.session.readAll('reactions.counts', this.q.counts, [channel, message], options?.signal);
        if (rows.length === 0) return;
        const list = await Promise.all(
          rows.map(async (row): Promise<ReactionCount> => {
            const emojiKey = row.get('emoji') as string;
            const type = row.get('type') as ReactionType;
            const me = viewer !== undefined && (await this.session.execute('reactions.get', 'read', this.q.one, [channel, message, emojiKey, type, viewer], options?.signal)).rowLength > 0;
            return { emojiKey, emojiName: row.get('name') as string, type, count: Number(row.get('n')), me, firstAt: (row.get('first_at') as Date).getTime() };
          }),
        );
        byMessage.set(messageId, list.sort(byFirstReaction));
      }),
    );
    return byMessage;
  }

  async reactors(target: ReactionTarget, page: ReactorPage, options?: StoreCallOptions): Promise<string[]> {
    const { after, limit } = checkReactorPage(page);
    const rows = await this.session.execute('reactions.reactors', 'read', this.q.reactors, [...this.key(target), after === undefined ? -1n : toDbId(after, 'after'), limit], options?.signal);
    return rows.rows.map((row) => idText(row.get('user_id')));
  }

  private key(target: ReactionTarget): [bigint, bigint, string, number] {
    return [toDbId(target.channelId, 'channelId'), toDbId(target.messageId, 'messageId'), checkEmojiKey(target.emojiKey), checkReactionType(target.type)];
  }
}
