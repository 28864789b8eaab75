/**
 * MessageStore on SQLite. The table's primary key is (channel_id, id) with
 * INTEGER ids in a WITHOUT ROWID table, so every history page is one range
 * scan of the key in either direction. All statements are prepared once.
 */
import { dateOf } from '@chat/snowflake';
import { throwIfAborted } from '../cancellation';
import { MessageNotFoundError } from '../errors';
import { toDbId, toDbIdOrNull, toDbIds } from '../ids';
import { planHistory } from '../messages/history-query';
import type {
  HistoryQuery,
  MessagePatch,
  MessageStore,
  NewMessage,
  StoreCallOptions,
  StoredMessage,
} from '../messages/message-store.port';
import type { SqliteDatabase } from './sqlite-database';
import { decodeOrigin, encodeOrigin } from '../messages/message-origin';
import { rethrowSqlite } from './sqlite-errors';
import { bool, dateOrNull, flag, idText, idTextOrNull, int, stringList, type SqliteRow } from './sqlite-values';

const COLUMNS = `channel_id, id, guild_id, author_id, content, edited_at, tts, mention_everyone, mention_user_ids,
  mention_role_ids, attachments, embeds, nonce, pinned, type, flags, ref_message_id, ref_channel_id, ref_guild_id, components, origin, poll`;

function toMessage(row: SqliteRow): StoredMessage {
  const id = idText(row.id);
  const refMessage = idTextOrNull(row.ref_message_id);
  return {
    id,
    channelId: idText(row.channel_id),
    guildId: idTextOrNull(row.guild_id),
    authorId: idText(row.author_id),
    content: row.content as string,
    createdAt: dateOf(id),
    editedAt: dateOrNull(row.edited_at),
    tts: bool(row.tts),
    mentionEveryone: bool(row.mention_everyone),
    mentionUserIds: stringList(row.mention_user_ids),
    mentionRoleIds: stringList(row.mention_role_ids),
    attachmentsJson: row.attachments as string,
    embedsJson: row.embeds as string,
    nonce: (row.nonce as string | null) ?? null,
    pinned: bool(row.pinned),
    type: int(row.type),
    flags: int(row.flags),
    reference:
      refMessage === null
        ? null
        : { messageId: refMessage, channelId: idText(row.ref_channel_id), guildId: idTextOrNull(row.ref_guild_id) },
    componentsJson: (row.components as string | null) ?? '[]',
    origin: decodeOrigin(row.origin),
    pollJson: (row.poll as string | null) ?? null,
  };
}

/** The SQLite messages adapter. Shares the connection it is given; `close()` does not close it. */
export class SqliteMessageStore implements MessageStore {
  private readonly insert;
  private readonly selectOne;
  private readonly selectMany;
  private readonly latest;
  private readonly before;
  private readonly atOrBefore;
  private readonly after;
  private readonly update;
  private readonly remove;
  private readonly removeMany;

  constructor(private readonly db: SqliteDatabase) {
    this.insert = db.prepare(`INSERT INTO messages (${COLUMNS}) VALUES
      (@channel_id, @id, @guild_id, @author_id, @content, NULL, @tts, @mention_everyone, @mention_user_ids,
       @mention_role_ids, @attachments, @embeds, @nonce, @pinned, @type, @flags, @ref_message_id, @ref_channel_id, @ref_guild_id, @components, @origin, @poll)`);
    this.selectOne = db.prepare(`SELECT ${COLUMNS} FROM messages WHERE channel_id = ? AND id = ?`);
    this.selectMany = db.prepare(
      `SELECT ${COLUMNS} FROM messages WHERE channel_id = ? AND id IN (SELECT value FROM json_each(?)) ORDER BY id DESC`,
    );
    this.latest = db.prepare(`SELECT ${COLUMNS} FROM messages WHERE channel_id = ? ORDER BY id DESC LIMIT ?`);
    this.before = db.prepare(`SELECT ${COLUMNS} FROM messages WHERE channel_id = ? AND id < ? ORDER BY id DESC LIMIT ?`);
    this.atOrBefore = db.prepare(`SELECT ${COLUMNS} FROM messages WHERE channel_id = ? AND id <= ? ORDER BY id DESC LIMIT ?`);
    this.after = db.prepare(`SELECT ${COLUMNS} FROM messages WHERE channel_id = ? AND id > ? ORDER BY id ASC LIMIT ?`);
    this.update = db.prepare(`UPDATE messages SET
        content = coalesce(@content, content), embeds = coalesce(@embeds, embeds), components = coalesce(@components, components),
        poll = coalesce(@poll, poll),
        attachments = coalesce(@attachments, attachments), flags = coalesce(@flags, flags),
        pinned = coalesce(@pinned, pinned), mention_everyone = coalesce(@mention_everyone, mention_everyone),
        mention_user_ids = coalesce(@mention_user_ids, mention_user_ids),
        mention_role_ids = coalesce(@mention_role_ids, mention_role_ids), edited_at = coalesce(@edited_at, edited_at)
      WHERE channel_id = @channel_id AND id = @id RETURNING ${COLUMNS}`);
    this.remove = db.prepare('DELETE FROM messages WHERE channel_id = ? AND id = ?');
    this.removeMany = db.transaction((channelId: bigint, ids: bigint[]) =>
      ids.filter((id) => this.remove.run(channelId, id).changes > 0).map((id) => id.toString()),
    );
  }

  async create(message: NewMessage, options?: StoreCallOptions): Promise<StoredMessage> {
    throwIfAborted(options?.signal, 'messages.create');
    const row = {
      channel_id: toDbId(message.channelId, 'channelId'),
      id: toDbId(message.id, 'id'),
      guild_id: toDbIdOrNull(message.guildId, 'guildId'),
      author_id: toDbId(message.authorId, 'authorId'),
      content: message.content,
      tts: flag(message.tts),
      mention_everyone: flag(message.mentionEveryone),
      mention_user_ids: JSON.stringify(toDbIds(message.mentionUserIds, 'mentionUserIds').map(String)),
      mention_role_ids: JSON.stringify(toDbIds(message.mentionRoleIds, 'mentionRoleIds').map(String)),
      attachments: message.attachmentsJson,
      embeds: message.embedsJson,
      nonce: message.nonce,
      pinned: flag(message.pinned),
      type: message.type,
      flags: message.flags,
      ref_message_id: toDbIdOrNull(message.reference?.messageId, 'reference.messageId'),
      ref_channel_id: toDbIdOrNull(message.reference?.channelId, 'reference.channelId'),
      ref_guild_id: toDbIdOrNull(message.reference?.guildId, 'reference.guildId'),
      components: message.componentsJson ?? '[]',
      origin: encodeOrigin(message.origin),
      poll: message.pollJson ?? null,
    };
    try {
      this.insert.run(row);
    } catch (error) {
      rethrowSqlite(error, 'messages.create', { entity: 'message', key: message.id });
    }
    return toMessage(this.selectOne.get(row.channel_id, row.id) as SqliteRow);
  }

  async get(channelId: string, messageId: string, options?: StoreCallOptions): Promise<StoredMessage | undefined> {
    throwIfAborted(options?.signal, 'messages.get');
    const row = this.selectOne.get(toDbId(channelId, 'channelId'), toDbId(messageId, 'messageId')) as SqliteRow | undefined;
    return row && toMessage(row);
  }

  async getMany(channelId: string, messageIds: readonly string[], options?: StoreCallOptions): Promise<StoredMessage[]> {
    throwIfAborted(options?.signal, 'messages.getMany');
    const channel = toDbId(channelId, 'channelId');
    const ids = toDbIds(messageIds, 'messageIds');
    if (ids.length === 0) return [];
    return (this.selectMany.all(channel, `[${ids.join(',')}]`) as SqliteRow[]).map(toMessage);
  }

  async history(query: HistoryQuery, options?: StoreCallOptions): Promise<StoredMessage[]> {
    const plan = planHistory(query);
    throwIfAborted(options?.signal, 'messages.history');
    const rows = (statement: { all: (...args: unknown[]) => unknown[] }, ...args: unknown[]) => statement.all(...args) as SqliteRow[];
    switch (plan.kind) {
      case 'latest':
        return rows(this.latest, plan.channelId, plan.limit).map(toMessage);
      case 'before':
        return rows(this.before, plan.channelId, plan.anchor, plan.limit).map(toMessage);
      case 'after':
        return rows(this.after, plan.channelId, plan.anchor, plan.limit).reverse().map(toMessage);
      case 'around': {
        const newer = plan.newerCount > 0 ? rows(this.after, plan.channelId, plan.anchor, plan.newerCount).reverse() : [];
        const older = rows(this.atOrBefore, plan.channelId, plan.anchor, plan.olderCount);
        return [...newer, ...older].map(toMessage);
      }
    }
  }

  async edit(channelId: string, messageId: string, patch: MessagePatch, options?: StoreCallOptions): Promise<StoredMessage> {
    throwIfAborted(options?.signal, 'messages.edit');
    const row = this.update.get({
      channel_id: toDbId(channelId, 'channelId'),
      id: toDbId(messageId, 'messageId'),
      content: patch.content ?? null,
      embeds: patch.embedsJson ?? null,
      components: patch.componentsJson ?? null,
      poll: patch.pollJson ?? null,
      attachments: patch.attachmentsJson ?? null,
      flags: patch.flags ?? null,
      pinned: patch.pinned === undefined ? null : flag(patch.pinned),
      mention_everyone: patch.mentionEveryone === undefined ? null : flag(patch.mentionEveryone),
      mention_user_ids: patch.mentionUserIds ? JSON.stringify(toDbIds(patch.mentionUserIds, 'mentionUserIds').map(String)) : null,
      mention_role_ids: patch.mentionRoleIds ? JSON.stringify(toDbIds(patch.mentionRoleIds, 'mentionRoleIds').map(String)) : null,
      edited_at: patch.editedAt ? patch.editedAt.getTime() : null,
    }) as SqliteRow | undefined;
    if (!row) throw new MessageNotFoundError(channelId, messageId);
    return toMessage(row);
  }

  async delete(channelId: string, messageId: string, options?: StoreCallOptions): Promise<boolean> {
    throwIfAborted(options?.signal, 'messages.delete');
    return this.remove.run(toDbId(channelId, 'channelId'), toDbId(messageId, 'messageId')).changes > 0;
  }

  async bulkDelete(channelId: string, messageIds: readonly string[], options?: StoreCallOptions): Promise<string[]> {
    throwIfAborted(options?.signal, 'messages.bulkDelete');
    const channel = toDbId(channelId, 'channelId');
    const ids = [...new Set(toDbIds(messageIds, 'messageIds'))];
    return this.removeMany(channel, ids);
  }

  async close(): Promise<void> {
    // The connection is shared by every port; the Store returned by openStore closes it.
  }
}
