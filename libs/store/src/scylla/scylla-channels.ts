/**
 * Channels on Scylla: the channels table (overwrites as a map column, so one
 * overwrite changes without rewriting the others) plus its lookup tables:
 * channels_by_guild, dm_channels_by_user and dm_channel_by_pair (the claim
 * that makes a one-to-one DM unique). Used by ScyllaGuildStore.
 */
import { DuplicateEntityError, EntityNotFoundError, StoreUnavailableError } from '../errors';
import { checkOverwrite, completeChannel, dmPair } from '../guilds/guild-records';
import type { ChannelPatch, NewChannel, PermissionOverwrite, StoredChannel } from '../guilds/guild-store.port';
import { toDbId, toDbIdOrNull } from '../ids';
import { byPositionThenId, CHANNEL_COLUMNS, encodeOverwrite, toChannel } from './scylla-guild-rows';
import { applied, type ScyllaSession } from './scylla-session';

/** Compare-and-set attempts of setLastMessageId before giving up. */
const CAS_ATTEMPTS = 20;

/** Channel reads and writes of the Scylla guild adapter. */
export class ScyllaChannels {
  private readonly q;

  constructor(private readonly session: ScyllaSession) {
    const t = (name: string) => session.table(name);
    this.q = {
      put: `INSERT INTO ${t('channels')} (id, type, guild_id, name, topic, position, parent_id, nsfw, rate_limit_per_user,
        bitrate, user_limit, recipient_ids, owner_id, overwrites) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) IF NOT EXISTS`,
      get: `SELECT ${CHANNEL_COLUMNS} FROM ${t('channels')} WHERE id = ?`,
      set: `UPDATE ${t('channels')} SET name = ?, topic = ?, position = ?, parent_id = ?, nsfw = ?, rate_limit_per_user = ?,
        bitrate = ?, user_limit = ?, last_pin_timestamp = ?, owner_id = ? WHERE id = ? IF EXISTS`,
      lastMessage: `UPDATE ${t('channels')} SET last_message_id = ? WHERE id = ? IF type = ? AND last_message_id = ?`,
      del: `DELETE FROM ${t('channels')} WHERE id = ? IF EXISTS`,
      overwriteSet: `UPDATE ${t('channels')} SET overwrites[?] = ? WHERE id = ? IF EXISTS`,
      overwriteDel: `DELETE overwrites[?] FROM ${t('channels')} WHERE id = ? IF EXISTS`,
      guildIndexPut: `INSERT INTO ${t('channels_by_guild')} (guild_id, channel_id) VALUES (?, ?)`,
      guildIndexGet: `SELECT channel_id FROM ${t('channels_by_guild')} WHERE guild_id = ?`,
      guildIndexDel: `DELETE FROM ${t('channels_by_guild')} WHERE guild_id = ? AND channel_id = ?`,
      guildIndexDrop: `DELETE FROM ${t('channels_by_guild')} WHERE guild_id = ?`,
      dmIndexPut: `INSERT INTO ${t('dm_channels_by_user')} (user_id, channel_id) VALUES (?, ?)`,
      dmIndexGet: `SELECT channel_id FROM ${t('dm_channels_by_user')} WHERE user_id = ?`,
      dmIndexDel: `DELETE FROM ${t('dm_channels_by_user')} WHERE user_id = ? AND channel_id = ?`,
      pairClaim: `INSERT INTO ${t('dm_channel_by_pair')} (user_low, user_high, channel_id) VALUES (?, ?, ?) IF NOT EXISTS`,
      pairGet: `SELECT channel_id FROM ${t('dm_channel_by_pair')} WHERE user_low = ? AND user_high = ?`,
      pairRelease: `DELETE FROM ${t('dm_channel_by_pair')} WHERE user_low = ? AND user_high = ? IF channel_id = ?`,
    };
  }

  /** Creates a channel; `guildExists` is asked first for guild channels. */
  async create(channel: NewChannel, guildExists: (guildId: string) => Promise<boolean>, signal?: AbortSignal): Promise<StoredChannel> {
    const full = completeChannel(channel);
    const id = BigInt(full.id);
    if (full.guildId !== null && !(await guildExists(full.guildId))) throw new EntityNotFoundError('guild', full.guildId);
    const pair = full.type === 1 ? dmPair(full.recipientIds[0] as string, full.recipientIds[1] as string) : null;
    if (pair && !applied(await this.session.execute('guilds.createChannel', 'lwt', this.q.pairClaim, [...pair, id], signal))) {
      throw new DuplicateEntityError('dm channel', pair.join(':'));
    }
    const overwrites = Object.fromEntries(full.permissionOverwrites.map((o) => [o.id, encodeOverwrite(o)]));
    const params = [
      id, full.type, toDbIdOrNull(full.guildId, 'guildId'), full.name, full.topic, full.position, toDbIdOrNull(full.parentId, 'parentId'),
      full.nsfw, full.rateLimitPerUser, full.bitrate, full.userLimit, full.recipientIds.map(BigInt), toDbIdOrNull(full.ownerId, 'ownerId'), overwrites,
    ];
    if (!applied(await this.session.execute('guilds.createChannel', 'lwt', this.q.put, params, signal))) {
      if (pair) await this.session.execute('guilds.createChannel', 'lwt', this.q.pairRelease, [...pair, id]).catch(() => undefined);
      throw new DuplicateEntityError('channel', full.id);
    }
    if (full.guildId !== null) {
      await this.session.execute('guilds.createChannel', 'write', this.q.guildIndexPut, [BigInt(full.guildId), id], signal);
    } else {
      await Promise.all(full.recipientIds.map((user) => this.session.execute('guilds.createChannel', 'write', this.q.dmIndexPut, [BigInt(user), id], signal)));
    }
    return full;
  }

  /** One channel, or undefined. */
  async get(channelId: bigint, signal?: AbortSignal): Promise<StoredChannel | undefined> {
    const row = (await this.session.execute('guilds.getChannel', 'read', this.q.get, [channelId], signal)).first();
    return row ? toChannel(row) : undefined;
  }

  /** Ids of a guild's channels (from the index). */
  async idsOfGuild(guildId: bigint, signal?: AbortSignal): Promise<bigint[]> {
    const rows = await this.session.readAll('guilds.listChannels', this.q.guildIndexGet, [guildId], signal);
    return rows.map((row) => row.get('channel_id') as bigint);
  }

  /** A guild's channels, by (position, id). */
  async list(guildId: bigint, signal?: AbortSignal): Promise<StoredChannel[]> {
    const channels = await Promise.all((await this.idsOfGuild(guildId, signal)).map((id) => this.get(id, signal)));
    return byPositionThenId(channels.filter((c): c is StoredChannel => c !== undefined && c.guildId === guildId.toString()));
  }

  /** Applies a patch (undefined fields are sent unset, so they keep their value). */
  async update(channelId: string, patch: ChannelPatch, signal?: AbortSignal): Promise<StoredChannel> {
    const id = toDbId(channelId, 'channelId');
    const params = [
      patch.name, patch.topic, patch.position, patch.parentId === undefined ? undefined : toDbIdOrNull(patch.parentId, 'parentId'),
      patch.nsfw, patch.rateLimitPerUser, patch.bitrate, patch.userLimit, patch.lastPinTimestamp,
      patch.ownerId === undefined ? undefined : toDbIdOrNull(patch.ownerId, 'ownerId'), id,
    ];
    if (!applied(await this.session.execute('guilds.updateChannel', 'lwt', this.q.set, params, signal))) throw new EntityNotFoundError('channel', channelId);
    const after = await this.get(id, signal);
    if (!after) throw new EntityNotFoundError('channel', channelId);
    return after;
  }

  /** Moves last_message_id forwards with compare-and-set; a no-op for an unknown channel or an older id. */
  async setLastMessageId(channelId: string, messageId: string, signal?: AbortSignal): Promise<void> {
    const id = toDbId(channelId, 'channelId');
    const message = toDbId(messageId, 'messageId');
    for (let attempt = 0; attempt < CAS_ATTEMPTS; attempt += 1) {
      const row = (await this.session.execute('guilds.setLastMessageId', 'read', this.q.get, [id], signal)).first();
      if (!row) return;
      const current = (row.get('last_message_id') as bigint | null) ?? null;
      if (current !== null && current >= message) return;
      const result = await this.session.execute('guilds.setLastMessageId', 'lwt', this.q.lastMessage, [message, id, row.get('type'), current], signal);
      if (applied(result)) return;
    }
    throw new StoreUnavailableError('scylla', 'guilds.setLastMessageId (compare-and-set kept losing)');
  }

  /** Deletes the channel row and its lookup rows; false when it did not exist. */
  async delete(channel: StoredChannel, signal?: AbortSignal): Promise<boolean> {
    const id = BigInt(channel.id);
    const existed = applied(await this.session.execute('guilds.deleteChannel', 'lwt', this.q.del, [id], signal));
    if (channel.guildId !== null) {
      await this.session.execute('guilds.deleteChannel', 'write', this.q.guildIndexDel, [BigInt(channel.guildId), id], signal);
    }
    await Promise.all(channel.recipientIds.map((user) => this.session.execute('guilds.deleteChannel', 'write', this.q.dmIndexDel, [BigInt(user), id], signal)));
    if (channel.type === 1 && channel.recipientIds.length === 2) {
      const pair = dmPair(channel.recipientIds[0] as string, channel.recipientIds[1] as string);
      await this.session.execute('guilds.deleteChannel', 'lwt', this.q.pairRelease, [...pair, id], signal);
    }
    return existed;
  }

  /** Drops the channels_by_guild partition of a deleted guild. */
  async dropGuildIndex(guildId: bigint, signal?: AbortSignal): Promise<void> {
    await this.session.execute('guilds.deleteGuild', 'write', this.q.guildIndexDrop, [guildId], signal);
  }

  /** The one-to-one DM between two users, or undefined. */
  async getDm(userId: string, otherUserId: string, signal?: AbortSignal): Promise<StoredChannel | undefined> {
    const pair = dmPair(userId, otherUserId);
    const row = (await this.session.execute('guilds.getDmChannel', 'read', this.q.pairGet, pair, signal)).first();
    if (!row) return undefined;
    const channel = await this.get(row.get('channel_id') as bigint, signal);
    return channel && channel.type === 1 ? channel : undefined;
  }

  /** A user's DMs and group DMs, by id. */
  async listDms(userId: string, signal?: AbortSignal): Promise<StoredChannel[]> {
    const rows = await this.session.readAll('guilds.listDmChannels', this.q.dmIndexGet, [toDbId(userId, 'userId')], signal);
    const channels = await Promise.all(rows.map((row) => this.get(row.get('channel_id') as bigint, signal)));
    return channels.filter((c): c is StoredChannel => c !== undefined && c.recipientIds.includes(userId));
  }

  /** Creates or replaces one overwrite; NotFoundError for an unknown channel. */
  async setOverwrite(channelId: string, overwrite: PermissionOverwrite, signal?: AbortSignal): Promise<void> {
    const o = checkOverwrite(overwrite);
    const params = [o.id, encodeOverwrite(o), toDbId(channelId, 'channelId')];
    if (!applied(await this.session.execute('guilds.setPermissionOverwrite', 'lwt', this.q.overwriteSet, params, signal))) {
      throw new EntityNotFoundError('channel', channelId);
    }
  }

  /** Removes one overwrite; false when there was none. */
  async deleteOverwrite(channelId: string, targetId: string, signal?: AbortSignal): Promise<boolean> {
    const id = toDbId(channelId, 'channelId');
    toDbId(targetId, 'targetId');
    const channel = await this.get(id, signal);
    if (!channel || !channel.permissionOverwrites.some((o) => o.id === targetId)) return false;
    return applied(await this.session.execute('guilds.deletePermissionOverwrite', 'lwt', this.q.overwriteDel, [targetId, id], signal));
  }
}
