/**
 * MessageStore on Scylla/Cassandra, Discord's layout: partition
 * (channel_id, bucket), clustering message_id DESC. Creates, edits and
 * single deletes are lightweight transactions (IF NOT EXISTS / IF EXISTS), so
 * a duplicate id is a ConflictError and an edit racing a delete cannot
 * resurrect a half row. Bulk deletes are one plain DELETE ... IN per bucket.
 */
import { dateOf } from '@chat/snowflake';
import { throwIfAborted } from '../cancellation';
import { DuplicateEntityError, MessageNotFoundError } from '../errors';
import { toDbId, toDbIdOrNull, toDbIds } from '../ids';
import { planHistory } from '../messages/history-query';
import { decodeOrigin, encodeOrigin } from '../messages/message-origin';
import type {
  HistoryQuery,
  MessagePatch,
  MessageStore,
  NewMessage,
  StoreCallOptions,
  StoredMessage,
} from '../messages/message-store.port';
import { bucketOf } from './bucket';
import { ScyllaMessageHistory } from './scylla-message-history';
import { MESSAGE_COLUMNS, toMessage } from './scylla-message-row';
import { applied, type ScyllaSession } from './scylla-session';

/** Buckets remembered as already listed in channel_buckets (the set is cleared when it grows past this). */
const KNOWN_BUCKETS_LIMIT = 100_000;

/** Options of the Scylla messages adapter. */
export interface ScyllaMessageStoreOptions {
  /** Whether `close()` shuts the session down (false when the session is shared). */
  ownsSession?: boolean;
}

function groupByBucket(ids: bigint[]): Map<number, bigint[]> {
  const groups = new Map<number, bigint[]>();
  for (const id of ids) {
    const bucket = bucketOf(id);
    const group = groups.get(bucket);
    if (group) group.push(id);
    else groups.set(bucket, [id]);
  }
  return groups;
}

/** The Scylla messages adapter. */
export class ScyllaMessageStore implements MessageStore {
  private readonly history_: ScyllaMessageHistory;
  private readonly knownBuckets = new Set<string>();
  private readonly q;

  constructor(
    private readonly session: ScyllaSession,
    private readonly options: ScyllaMessageStoreOptions = {},
  ) {
    this.history_ = new ScyllaMessageHistory(session);
    const messages = session.table('messages');
    const key = 'WHERE channel_id = ? AND bucket = ? AND message_id = ?';
    this.q = {
      addBucket: `INSERT INTO ${session.table('channel_buckets')} (channel_id, bucket) VALUES (?, ?)`,
      insert: `INSERT INTO ${messages} (channel_id, bucket, message_id, guild_id, author_id, content, tts, mention_everyone,
        mention_user_ids, mention_role_ids, attachments, embeds, nonce, pinned, type, flags, ref_message_id, ref_channel_id,
        ref_guild_id, components, origin, poll) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) IF NOT EXISTS`,
      selectOne: `SELECT ${MESSAGE_COLUMNS} FROM ${messages} ${key}`,
      selectIn: `SELECT ${MESSAGE_COLUMNS} FROM ${messages} WHERE channel_id = ? AND bucket = ? AND message_id IN ?`,
      existingIn: `SELECT message_id FROM ${messages} WHERE channel_id = ? AND bucket = ? AND message_id IN ?`,
      update: `UPDATE ${messages} SET content = ?, embeds = ?, components = ?, poll = ?, attachments = ?, flags = ?, pinned = ?, mention_everyone = ?,
        mention_user_ids = ?, mention_role_ids = ?, edited_at = ? ${key} IF EXISTS`,
      remove: `DELETE FROM ${messages} ${key} IF EXISTS`,
      removeIn: `DELETE FROM ${messages} WHERE channel_id = ? AND bucket = ? AND message_id IN ?`,
    };
  }

  async create(message: NewMessage, options?: StoreCallOptions): Promise<StoredMessage> {
    const signal = options?.signal;
    const channelId = toDbId(message.channelId, 'channelId');
    const id = toDbId(message.id, 'id');
    const params = [
      channelId,
      bucketOf(id),
      id,
      toDbIdOrNull(message.guildId, 'guildId'),
      toDbId(message.authorId, 'authorId'),
      message.content,
      message.tts,
      message.mentionEveryone,
      toDbIds(message.mentionUserIds, 'mentionUserIds'),
      toDbIds(message.mentionRoleIds, 'mentionRoleIds'),
      message.attachmentsJson,
      message.embedsJson,
      message.nonce,
      message.pinned ?? false,
      message.type,
      message.flags,
      toDbIdOrNull(message.reference?.messageId, 'reference.messageId'),
      toDbIdOrNull(message.reference?.channelId, 'reference.channelId'),
      toDbIdOrNull(message.reference?.guildId, 'reference.guildId'),
      message.componentsJson ?? '[]',
      encodeOrigin(message.origin),
      // No poll is sent as "unset" (undefined), not null: no tombstone for every message without one.
      message.pollJson ?? undefined,
    ];
    throwIfAborted(signal, 'messages.create');
    await this.ensureBucket(channelId, bucketOf(id), signal);
    const result = await this.session.execute('messages.create', 'lwt', this.q.insert, params, signal);
    if (!applied(result)) throw new DuplicateEntityError('message', message.id);
    return {
      id: message.id,
      channelId: message.channelId,
      guildId: message.guildId,
      authorId: message.authorId,
      content: message.content,
      createdAt: dateOf(id),
      editedAt: null,
      tts: message.tts,
      mentionEveryone: message.mentionEveryone,
      mentionUserIds: [...message.mentionUserIds],
      mentionRoleIds: [...message.mentionRoleIds],
      attachmentsJson: message.attachmentsJson,
      embedsJson: message.embedsJson,
      nonce: message.nonce,
      pinned: message.pinned ?? false,
      type: message.type,
      flags: message.flags,
      reference: message.reference ? { ...message.reference } : null,
      componentsJson: message.componentsJson ?? '[]',
      origin: decodeOrigin(encodeOrigin(message.origin)),
      pollJson: message.pollJson ?? null,
    };
  }

  async get(channelId: string, messageId: string, options?: StoreCallOptions): Promise<StoredMessage | undefined> {
    const id = toDbId(messageId, 'messageId');
    const params = [toDbId(channelId, 'channelId'), bucketOf(id), id];
    const result = await this.session.execute('messages.get', 'read', this.q.selectOne, params, options?.signal);
    const row = result.first();
    return row ? toMessage(row) : undefined;
  }

  async getMany(channelId: string, messageIds: readonly string[], options?: StoreCallOptions): Promise<StoredMessage[]> {
    const channel = toDbId(channelId, 'channelId');
    const ids = [...new Set(toDbIds(messageIds, 'messageIds'))];
    const pages = await Promise.all(
      [...groupByBucket(ids)].map(([bucket, group]) =>
        this.session.execute('messages.getMany', 'read', this.q.selectIn, [channel, bucket, group], options?.signal),
      ),
    );
    const found = pages.flatMap((page) => page.rows.map(toMessage));
    return found.sort((a, b) => (BigInt(a.id) < BigInt(b.id) ? 1 : -1));
  }

  async history(query: HistoryQuery, options?: StoreCallOptions): Promise<StoredMessage[]> {
    const plan = planHistory(query);
    const signal = options?.signal;
    throwIfAborted(signal, 'messages.history');
    switch (plan.kind) {
      case 'latest':
        return this.history_.older(plan.channelId, null, false, plan.limit, signal);
      case 'before':
        return this.history_.older(plan.channelId, plan.anchor, false, plan.limit, signal);
      case 'after':
        return (await this.history_.newer(plan.channelId, plan.anchor, plan.limit, signal)).reverse();
      case 'around': {
        const [older, newer] = await Promise.all([
          this.history_.older(plan.channelId, plan.anchor, true, plan.olderCount, signal),
          plan.newerCount > 0 ? this.history_.newer(plan.channelId, plan.anchor, plan.newerCount, signal) : Promise.resolve([]),
        ]);
        return [...newer.reverse(), ...older];
      }
    }
  }

  async edit(channelId: string, messageId: string, patch: MessagePatch, options?: StoreCallOptions): Promise<StoredMessage> {
    const channel = toDbId(channelId, 'channelId');
    const id = toDbId(messageId, 'messageId');
    // Undefined parameters are sent as "unset": the column keeps its value.
    const params = [
      patch.content,
      patch.embedsJson,
      patch.componentsJson,
      patch.pollJson,
      patch.attachmentsJson,
      patch.flags,
      patch.pinned,
      patch.mentionEveryone,
      patch.mentionUserIds && toDbIds(patch.mentionUserIds, 'mentionUserIds'),
      patch.mentionRoleIds && toDbIds(patch.mentionRoleIds, 'mentionRoleIds'),
      patch.editedAt,
      channel,
      bucketOf(id),
      id,
    ];
    const result = await this.session.execute('messages.edit', 'lwt', this.q.update, params, options?.signal);
    if (!applied(result)) throw new MessageNotFoundError(channelId, messageId);
    const after = await this.session.execute('messages.edit', 'read', this.q.selectOne, [channel, bucketOf(id), id], options?.signal);
    const row = after.first();
    if (!row) throw new MessageNotFoundError(channelId, messageId);
    return toMessage(row);
  }

  async delete(channelId: string, messageId: string, options?: StoreCallOptions): Promise<boolean> {
    const id = toDbId(messageId, 'messageId');
    const params = [toDbId(channelId, 'channelId'), bucketOf(id), id];
    return applied(await this.session.execute('messages.delete', 'lwt', this.q.remove, params, options?.signal));
  }

  async bulkDelete(channelId: string, messageIds: readonly string[], options?: StoreCallOptions): Promise<string[]> {
    const channel = toDbId(channelId, 'channelId');
    const ids = [...new Set(toDbIds(messageIds, 'messageIds'))];
    const signal = options?.signal;
    const deleted = await Promise.all(
      [...groupByBucket(ids)].map(async ([bucket, group]) => {
        const existing = await this.session.execute('messages.bulkDelete', 'read', this.q.existingIn, [channel, bucket, group], signal);
        const present = existing.rows.map((row) => row.get('message_id') as bigint);
        if (present.length > 0) await this.session.execute('messages.bulkDelete', 'write', this.q.removeIn, [channel, bucket, present], signal);
        return present.map(String);
      }),
    );
    return deleted.flat();
  }

  async close(): Promise<void> {
    if (this.options.ownsSession) await this.session.shutdown();
  }

  /** Lists the bucket in channel_buckets before the message is written (once per process per bucket). */
  private async ensureBucket(channelId: bigint, bucket: number, signal?: AbortSignal): Promise<void> {
    const key = `${channelId}:${bucket}`;
    if (this.knownBuckets.has(key)) return;
    await this.session.execute('messages.create', 'write', this.q.addBucket, [channelId, bucket], signal);
    if (this.knownBuckets.size >= KNOWN_BUCKETS_LIMIT) this.knownBuckets.clear();
    this.knownBuckets.add(key);
  }
}
