/**
 * GuildStore on SQLite. Foreign keys with ON DELETE CASCADE do the cascades
 * (a guild takes its channels, roles, members and invites with it); each
 * multi-row change runs in one transaction.
 */
import { throwIfAborted } from '../cancellation';
import { DuplicateEntityError, EntityNotFoundError } from '../errors';
import { applyPatch, checkOverwrite, completeChannel, completeGuild, dmPair } from '../guilds/guild-records';
import type {
  ChannelPatch,
  GuildPatch,
  GuildStore,
  MemberPage,
  MemberPatch,
  NewChannel,
  NewGuild,
  NewInvite,
  NewMember,
  NewRole,
  PermissionOverwrite,
  RolePatch,
  StoredChannel,
  StoredGuild,
  StoredInvite,
  StoredMember,
  StoredRole,
} from '../guilds/guild-store.port';
import { toDbId } from '../ids';
import type { StoreCallOptions } from '../messages/message-store.port';
import type { SqliteDatabase } from './sqlite-database';
import { isForeignKeyViolation, rethrowSqlite } from './sqlite-errors';
import { SqliteMembership } from './sqlite-guild-membership';
import { toChannel, toGuild, toOverwrite } from './sqlite-guild-rows';
import { channelParams, guildParams, prepareGuildStatements, type GuildStatements } from './sqlite-guild-statements';
import type { SqliteRow } from './sqlite-values';

/** The SQLite guilds adapter. Shares the connection it is given. */
export class SqliteGuildStore implements GuildStore {
  private readonly s: GuildStatements;
  private readonly membership: SqliteMembership;

  constructor(private readonly db: SqliteDatabase) {
    this.s = prepareGuildStatements(db);
    this.membership = new SqliteMembership(db, this.s);
  }

  // ---- guilds -------------------------------------------------------------

  async createGuild(guild: NewGuild, options?: StoreCallOptions): Promise<StoredGuild> {
    throwIfAborted(options?.signal, 'guilds.createGuild');
    const full = completeGuild(guild);
    try {
      this.s.guildPut!.run(guildParams(full));
    } catch (error) {
      rethrowSqlite(error, 'guilds.createGuild', { entity: 'guild', key: guild.id });
    }
    return full;
  }

  async getGuild(guildId: string, options?: StoreCallOptions): Promise<StoredGuild | undefined> {
    throwIfAborted(options?.signal, 'guilds.getGuild');
    const row = this.s.guildGet!.get(toDbId(guildId, 'guildId')) as SqliteRow | undefined;
    return row && toGuild(row);
  }

  async updateGuild(guildId: string, patch: GuildPatch, options?: StoreCallOptions): Promise<StoredGuild> {
    throwIfAborted(options?.signal, 'guilds.updateGuild');
    return this.db.transaction(() => {
      const row = this.s.guildGet!.get(toDbId(guildId, 'guildId')) as SqliteRow | undefined;
      if (!row) throw new EntityNotFoundError('guild', guildId);
      const next = completeGuild(applyPatch<StoredGuild>(toGuild(row), patch));
      this.s.guildSet!.run(guildParams(next));
      return next;
    })();
  }

  async deleteGuild(guildId: string, options?: StoreCallOptions): Promise<boolean> {
    throwIfAborted(options?.signal, 'guilds.deleteGuild');
    return this.s.guildDel!.run(toDbId(guildId, 'guildId')).changes > 0;
  }

  // ---- channels -----------------------------------------------------------

  async createChannel(channel: NewChannel, options?: StoreCallOptions): Promise<StoredChannel> {
    throwIfAborted(options?.signal, 'guilds.createChannel');
    const full = completeChannel(channel);
    const dmKey = full.type === 1 ? dmPair(full.recipientIds[0] as string, full.recipientIds[1] as string).join(':') : null;
    try {
      this.db.transaction(() => {
        const existing = dmKey === null ? undefined : this.s.dmByKey!.get(dmKey);
        if (existing) throw new DuplicateEntityError('dm channel', dmKey as string);
        this.s.channelPut!.run({ ...channelParams(full), guild_id: full.guildId === null ? null : BigInt(full.guildId), dm_key: dmKey });
        for (const user of full.recipientIds) this.s.recipientPut!.run(BigInt(full.id), BigInt(user));
        for (const o of full.permissionOverwrites) this.s.overwritePut!.run(BigInt(full.id), BigInt(o.id), o.type, o.allow, o.deny);
      })();
    } catch (error) {
      if (isForeignKeyViolation(error)) throw new EntityNotFoundError('guild', String(channel.guildId));
      rethrowSqlite(error, 'guilds.createChannel', { entity: 'channel', key: channel.id });
    }
    return full;
  }

  async getChannel(channelId: string, options?: StoreCallOptions): Promise<StoredChannel | undefined> {
    throwIfAborted(options?.signal, 'guilds.getChannel');
    const row = this.s.channelGet!.get(toDbId(channelId, 'channelId')) as SqliteRow | undefined;
    return row && this.hydrate(row);
  }

  async listChannels(guildId: string, options?: StoreCallOptions): Promise<StoredChannel[]> {
    throwIfAborted(options?.signal, 'guilds.listChannels');
    const guild = toDbId(guildId, 'guildId');
    const overwrites = new Map<string, PermissionOverwrite[]>();
    for (const row of this.s.overwritesOfGuild!.all(guild) as SqliteRow[]) {
      const key = String(row.channel_id);
      overwrites.set(key, [...(overwrites.get(key) ?? []), toOverwrite(row)]);
    }
    return (this.s.channelsOfGuild!.all(guild) as SqliteRow[]).map((row) => toChannel(row, [], overwrites.get(String(row.id)) ?? []));
  }

  async updateChannel(channelId: string, patch: ChannelPatch, options?: StoreCallOptions): Promise<StoredChannel> {
    throwIfAborted(options?.signal, 'guilds.updateChannel');
    return this.db.transaction(() => {
      const row = this.s.channelGet!.get(toDbId(channelId, 'channelId')) as SqliteRow | undefined;
      if (!row) throw new EntityNotFoundError('channel', channelId);
      const next = applyPatch<StoredChannel>(this.hydrate(row), patch);
      if (next.parentId !== null) toDbId(next.parentId, 'parentId');
      if (next.ownerId !== null) toDbId(next.ownerId, 'ownerId');
      this.s.channelSet!.run(channelParams(next));
      return next;
    })();
  }

  async setLastMessageId(channelId: string, messageId: string, options?: StoreCallOptions): Promise<void> {
    throwIfAborted(options?.signal, 'guilds.setLastMessageId');
    this.s.lastMessage!.run({ c: toDbId(channelId, 'channelId'), m: toDbId(messageId, 'messageId') });
  }

  async deleteChannel(channelId: string, options?: StoreCallOptions): Promise<boolean> {
    throwIfAborted(options?.signal, 'guilds.deleteChannel');
    return this.s.channelDel!.run(toDbId(channelId, 'channelId')).changes > 0;
  }

  async getDmChannel(userId: string, otherUserId: string, options?: StoreCallOptions): Promise<StoredChannel | undefined> {
    throwIfAborted(options?.signal, 'guilds.getDmChannel');
    const row = this.s.dmByKey!.get(dmPair(userId, otherUserId).join(':')) as SqliteRow | undefined;
    return row && this.hydrate(row);
  }

  async listDmChannels(userId: string, options?: StoreCallOptions): Promise<StoredChannel[]> {
    throwIfAborted(options?.signal, 'guilds.listDmChannels');
    return (this.s.dmsOfUser!.all(toDbId(userId, 'userId')) as SqliteRow[]).map((row) => this.hydrate(row));
  }

  async setPermissionOverwrite(channelId: string, overwrite: PermissionOverwrite, options?: StoreCallOptions): Promise<void> {
    throwIfAborted(options?.signal, 'guilds.setPermissionOverwrite');
    const o = checkOverwrite(overwrite);
    try {
      this.s.overwritePut!.run(toDbId(channelId, 'channelId'), BigInt(o.id), o.type, o.allow, o.deny);
    } catch (error) {
      if (isForeignKeyViolation(error)) throw new EntityNotFoundError('channel', channelId);
      rethrowSqlite(error, 'guilds.setPermissionOverwrite');
    }
  }

  async deletePermissionOverwrite(channelId: string, targetId: string, options?: StoreCallOptions): Promise<boolean> {
    throwIfAborted(options?.signal, 'guilds.deletePermissionOverwrite');
    return this.s.overwriteDel!.run(toDbId(channelId, 'channelId'), toDbId(targetId, 'targetId')).changes > 0;
  }

  // ---- roles, members, invites (SqliteMembership) -------------------------

  createRole(role: NewRole, options?: StoreCallOptions): Promise<StoredRole> {
    return this.membership.createRole(role, options);
  }

  listRoles(guildId: string, options?: StoreCallOptions): Promise<StoredRole[]> {
    return this.membership.listRoles(guildId, options);
  }

  updateRole(guildId: string, roleId: string, patch: RolePatch, options?: StoreCallOptions): Promise<StoredRole> {
    return this.membership.updateRole(guildId, roleId, patch, options);
  }

  deleteRole(guildId: string, roleId: string, options?: StoreCallOptions): Promise<boolean> {
    return this.membership.deleteRole(guildId, roleId, options);
  }

  addMember(member: NewMember, options?: StoreCallOptions): Promise<StoredMember> {
    return this.membership.addMember(member, options);
  }

  getMember(guildId: string, userId: string, options?: StoreCallOptions): Promise<StoredMember | undefined> {
    return this.membership.getMember(guildId, userId, options);
  }

  listMembers(guildId: string, page: MemberPage, options?: StoreCallOptions): Promise<StoredMember[]> {
    return this.membership.listMembers(guildId, page, options);
  }

  updateMember(guildId: string, userId: string, patch: MemberPatch, options?: StoreCallOptions): Promise<StoredMember> {
    return this.membership.updateMember(guildId, userId, patch, options);
  }

  removeMember(guildId: string, userId: string, options?: StoreCallOptions): Promise<boolean> {
    return this.membership.removeMember(guildId, userId, options);
  }

  listGuildIdsForUser(userId: string, options?: StoreCallOptions): Promise<string[]> {
    return this.membership.listGuildIdsForUser(userId, options);
  }

  createInvite(invite: NewInvite, options?: StoreCallOptions): Promise<StoredInvite> {
    return this.membership.createInvite(invite, options);
  }

  getInvite(code: string, options?: StoreCallOptions): Promise<StoredInvite | undefined> {
    return this.membership.getInvite(code, options);
  }

  listInvites(guildId: string, options?: StoreCallOptions): Promise<StoredInvite[]> {
    return this.membership.listInvites(guildId, options);
  }

  useInvite(code: string, now: Date, options?: StoreCallOptions): Promise<StoredInvite> {
    return this.membership.useInvite(code, now, options);
  }

  deleteInvite(code: string, options?: StoreCallOptions): Promise<boolean> {
    return this.membership.deleteInvite(code, options);
  }

  async close(): Promise<void> {
    // The connection is shared by every port; the Store returned by openStore closes it.
  }

  private hydrate(row: SqliteRow): StoredChannel {
    const recipients = (this.s.recipientsOf!.all(row.id) as SqliteRow[]).map((r) => String(r.user_id));
    const overwrites = (this.s.overwritesOf!.all(row.id) as SqliteRow[]).map(toOverwrite);
    return toChannel(row, recipients, overwrites);
  }
}
