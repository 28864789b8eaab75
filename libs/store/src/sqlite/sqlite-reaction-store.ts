/**
 * ReactionStore on SQLite: one WITHOUT ROWID table whose primary key is
 * (channel, message, emoji, type, user), so a message's reactions are one
 * range and counts are a GROUP BY over it.
 */
import { throwIfAborted } from '../cancellation';
import { toDbId, toDbIds } from '../ids';
import type { StoreCallOptions } from '../messages/message-store.port';
import { byFirstReaction, checkEmojiKey, checkReactionType, checkReactorPage } from '../reactions/reaction-args';
import type { NewReaction, ReactionCount, ReactionStore, ReactionTarget, ReactionType, ReactorPage } from '../reactions/reaction-store.port';
import type { SqliteDatabase } from './sqlite-database';
import { idText } from './sqlite-values';

/** The SQLite reactions adapter. Shares the connection it is given. */
export class SqliteReactionStore implements ReactionStore {
  private readonly q;

  constructor(db: SqliteDatabase) {
    const key = 'channel_id = ? AND message_id = ? AND emoji = ? AND type = ?';
    this.q = {
      add: db.prepare('INSERT INTO reactions (channel_id, message_id, emoji, type, user_id, emoji_name, created_at) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING'),
      remove: db.prepare(`DELETE FROM reactions WHERE ${key} AND user_id = ?`),
      removeEmoji: db.prepare('DELETE FROM reactions WHERE channel_id = ? AND message_id = ? AND emoji = ?'),
      removeAll: db.prepare('DELETE FROM reactions WHERE channel_id = ? AND message_id = ?'),
      counts: db.prepare(`SELECT message_id, emoji, type, count(*) AS n, min(created_at) AS first_at, max(emoji_name) AS name, max(user_id = ?) AS me
        FROM reactions WHERE channel_id = ? AND message_id IN (SELECT value FROM json_each(?)) GROUP BY message_id, emoji, type`),
      reactors: db.prepare(`SELECT user_id FROM reactions WHERE ${key} AND user_id > ? ORDER BY user_id LIMIT ?`),
    };
  }

  async add(reaction: NewReaction, options?: StoreCallOptions): Promise<boolean> {
    throwIfAborted(options?.signal, 'reactions.add');
    const { changes } = this.q.add.run(
      toDbId(reaction.channelId, 'channelId'),
      toDbId(reaction.messageId, 'messageId'),
      checkEmojiKey(reaction.emojiKey),
      checkReactionType(reaction.type),
      toDbId(reaction.userId, 'userId'),
      reaction.emojiName,
      reaction.at,
    );
    return changes > 0;
  }

  async remove(target: ReactionTarget, userId: string, options?: StoreCallOptions): Promise<boolean> {
    throwIfAborted(options?.signal, 'reactions.remove');
    return this.q.remove.run(...this.key(target), toDbId(userId, 'userId')).changes > 0;
  }

  async removeEmoji(channelId: string, messageId: string, emojiKey: string, options?: StoreCallOptions): Promise<boolean> {
    throwIfAborted(options?.signal, 'reactions.removeEmoji');
    return this.q.removeEmoji.run(toDbId(channelId, 'channelId'), toDbId(messageId, 'messageId'), checkEmojiKey(emojiKey)).changes > 0;
  }

  async removeAll(channelId: string, messageId: string, options?: StoreCallOptions): Promise<boolean> {
    throwIfAborted(options?.signal, 'reactions.removeAll');
    return this.q.removeAll.run(toDbId(channelId, 'channelId'), toDbId(messageId, 'messageId')).changes > 0;
  }

  async counts(channelId: string, messageIds: readonly string[], viewerId: string | undefined, options?: StoreCallOptions): Promise<Map<string, ReactionCount[]>> {
    throwIfAborted(options?.signal, 'reactions.counts');
    const channel = toDbId(channelId, 'channelId');
    const byMessage = new Map<string, ReactionCount[]>();
    if (messageIds.length === 0) return byMessage;
    const viewer = viewerId === undefined ? -1n : toDbId(viewerId, 'viewerId');
    const rows = this.q.counts.all(viewer, channel, `[${toDbIds(messageIds, 'messageIds').join(',')}]`) as {
      message_id: bigint;
      emoji: string;
      type: bigint;
      n: bigint;
      first_at: bigint;
      name: string;
      me: bigint;
    }[];
    for (const row of rows) {
      const id = idText(row.message_id);
      const list = byMessage.get(id) ?? [];
      list.push({ emojiKey: row.emoji, emojiName: row.name, type: Number(row.type) as ReactionType, count: Number(row.n), me: Number(row.me) === 1, firstAt: Number(row.first_at) });
      byMessage.set(id, list);
    }
    for (const list of byMessage.values()) list.sort(byFirstReaction);
    return byMessage;
  }

  async reactors(target: ReactionTarget, page: ReactorPage, options?: StoreCallOptions): Promise<string[]> {
    throwIfAborted(options?.signal, 'reactions.reactors');
    const { after, limit } = checkReactorPage(page);
    const rows = this.q.reactors.all(...this.key(target), after === undefined ? -1n : toDbId(after, 'after'), limit) as { user_id: bigint }[];
    return rows.map((row) => idText(row.user_id));
  }

  private key(target: ReactionTarget): [bigint, bigint, string, number] {
    return [toDbId(target.channelId, 'channelId'), toDbId(target.messageId, 'messageId'), checkEmojiKey(target.emojiKey), checkReactionType(target.type)];
  }
}
