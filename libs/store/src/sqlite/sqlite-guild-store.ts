/**
 * GuildStore on SQLite. Foreign keys with ON DELETE CASCADE do the cascades
 * (a guild takes its channels, roles, members and invites with it); each
 * multi-row change runs in one transaction.
 */
import { throwIfAborted } from '../cancellation';
import { DuplicateEntityError, EntityNotFoundError, InviteUnusableError } from '../errors';
import {
  applyPatch,
  checkMemberPage,
  checkOverwrite,
  completeChannel,
  completeGuild,
  completeInvite,
  completeMember,
  completeRole,
  dmPair,
  inviteUnusableReason,
  normaliseRoleIds,
} from '../guilds/guild-records';
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
import { checkBitfield, toDbId } from '../ids';
import type { StoreCallOptions } from '../messages/message-store.port';
import type Database from 'better-sqlite3';
import type { SqliteDatabase } from './sqlite-database';
import { isForeignKeyViolation, rethrowSqlite } from './sqlite-errors';
import { toChannel, toGuild, toInvite, toMember, toOverwrite, toRole } from './sqlite-guild-rows';
import { flag, ms, type SqliteRow } from './sqlite-values';

type Statement = Database.Statement<unknown[]>;

/** The SQLite guilds adapter. Shares the connection it is given. */
export class SqliteGuildStore implements GuildStore {
  private readonly s: Record<string, Statement>;

  constructor(private readonly db: SqliteDatabase) {
    const p = (sql: string) => db.prepare<unknown[]>(sql);
    this.s = {
      guildPut: p(`INSERT INTO guilds (id, name, owner_id, icon, description, system_channel_id, verification_level,
        default_message_notifications, explicit_content_filter, preferred_locale, features)
        VALUES (@id, @name, @owner_id, @icon, @description, @system_channel_id, @verification_level,
        @default_message_notifications, @explicit_content_filter, @preferred_locale, @features)`),
      guildSet: p(`UPDATE guilds SET name = @name, owner_id = @owner_id, icon = @icon, description = @description,
        system_channel_id = @system_channel_id, verification_level = @verification_level,
        default_message_notifications = @default_message_notifications, explicit_content_filter = @explicit_content_filter,
        preferred_locale = @preferred_locale, features = @features WHERE id = @id`),
      guildGet: p('SELECT * FROM guilds WHERE id = ?'),
      guildDel: p('DELETE FROM guilds WHERE id = ?'),
      channelPut: p(`INSERT INTO channels (id, type, guild_id, name, topic, position, parent_id, nsfw, rate_limit_per_user,
        bitrate, user_limit, last_message_id, last_pin_timestamp, owner_id, dm_key)
        VALUES (@id, @type, @guild_id, @name, @topic, @position, @parent_id, @nsfw, @rate_limit_per_user, @bitrate,
        @user_limit, NULL, NULL, @owner_id, @dm_key)`),
      channelSet: p(`UPDATE channels SET name = @name, topic = @topic, position = @position, parent_id = @parent_id,
        nsfw = @nsfw, rate_limit_per_user = @rate_limit_per_user, bitrate = @bitrate, user_limit = @user_limit,
        last_pin_timestamp = @last_pin_timestamp, owner_id = @owner_id WHERE id = @id`),
      channelGet: p('SELECT * FROM channels WHERE id = ?'),
      channelsOfGuild: p('SELECT * FROM channels WHERE guild_id = ? ORDER BY position, id'),
      channelDel: p('DELETE FROM channels WHERE id = ?'),
      lastMessage: p('UPDATE channels SET last_message_id = @m WHERE id = @c AND (last_message_id IS NULL OR last_message_id < @m)'),
      dmByKey: p('SELECT * FROM channels WHERE dm_key = ?'),
      dmsOfUser: p(`SELECT c.* FROM channels c JOIN channel_recipients r ON r.channel_id = c.id
        WHERE r.user_id = ? AND c.guild_id IS NULL ORDER BY c.id`),
      recipientPut: p('INSERT INTO channel_recipients (channel_id, user_id) VALUES (?, ?)'),
      recipientsOf: p('SELECT user_id FROM channel_recipients WHERE channel_id = ? ORDER BY user_id'),
      overwritePut: p(`INSERT INTO permission_overwrites (channel_id, target_id, type, allow, deny) VALUES (?, ?, ?, ?, ?)
        ON CONFLICT (channel_id, target_id) DO UPDATE SET type = excluded.type, allow = excluded.allow, deny = excluded.deny`),
      overwritesOf: p('SELECT * FROM permission_overwrites WHERE channel_id = ? ORDER BY target_id'),
      overwritesOfGuild: p(`SELECT o.* FROM permission_overwrites o JOIN channels c ON c.id = o.channel_id
        WHERE c.guild_id = ? ORDER BY o.target_id`),
      overwriteDel: p('DELETE FROM permission_overwrites WHERE channel_id = ? AND target_id = ?'),
      rolePut: p(`INSERT INTO roles (guild_id, id, name, color, hoist, position, permissions, managed, mentionable)
        VALUES (@guild_id, @id, @name, @color, @hoist, @position, @permissions, @managed, @mentionable)`),
      roleSet: p(`UPDATE roles SET name = @name, color = @color, hoist = @hoist, position = @position,
        permissions = @permissions, mentionable = @mentionable WHERE guild_id = @guild_id AND id = @id`),
      roleGet: p('SELECT * FROM roles WHERE guild_id = ? AND id = ?'),
      rolesOf: p('SELECT * FROM roles WHERE guild_id = ? ORDER BY position, id'),
      roleDel: p('DELETE FROM roles WHERE guild_id = ? AND id = ?'),
      rolesKnown: p('SELECT count(*) FROM roles WHERE guild_id = ? AND id IN (SELECT value FROM json_each(?))').pluck(),
      memberPut: p(`INSERT INTO members (guild_id, user_id, nick, joined_at, deaf, mute)
        VALUES (@guild_id, @user_id, @nick, @joined_at, @deaf, @mute)`),
      memberSet: p('UPDATE members SET nick = @nick, deaf = @deaf, mute = @mute WHERE guild_id = @guild_id AND user_id = @user_id'),
      memberGet: p('SELECT * FROM members WHERE guild_id = ? AND user_id = ?'),
      memberPage: p('SELECT * FROM members WHERE guild_id = ? AND user_id > ? ORDER BY user_id LIMIT ?'),
      memberDel: p('DELETE FROM members WHERE guild_id = ? AND user_id = ?'),
      memberRolePut: p('INSERT INTO member_roles (guild_id, user_id, role_id) VALUES (?, ?, ?)'),
      memberRolesClear: p('DELETE FROM member_roles WHERE guild_id = ? AND user_id = ?'),
      memberRolesOf: p('SELECT role_id FROM member_roles WHERE guild_id = ? AND user_id = ? ORDER BY role_id'),
      memberRolesRange: p(`SELECT user_id, role_id FROM member_roles WHERE guild_id = ? AND user_id >= ? AND user_id <= ?
        ORDER BY user_id, role_id`),
      guildsOfUser: p('SELECT guild_id FROM members WHERE user_id = ? ORDER BY guild_id'),
      invitePut: p(`INSERT INTO invites (code, guild_id, channel_id, inviter_id, uses, max_uses, max_age, temporary, created_at)
        VALUES (@code, @guild_id, @channel_id, @inviter_id, 0, @max_uses, @max_age, @temporary, @created_at)`),
      inviteGet: p('SELECT * FROM invites WHERE code = ?'),
      invitesOf: p('SELECT * FROM invites WHERE guild_id = ? ORDER BY code'),
      inviteUse: p('UPDATE invites SET uses = uses + 1 WHERE code = ?'),
      inviteDel: p('DELETE FROM invites WHERE code = ?'),
    };
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

  // ---- roles --------------------------------------------------------------

  async createRole(role: NewRole, options?: StoreCallOptions): Promise<StoredRole> {
    throwIfAborted(options?.signal, 'guilds.createRole');
    const full = completeRole(role);
    try {
      this.s.rolePut!.run(roleParams(full));
    } catch (error) {
      if (isForeignKeyViolation(error)) throw new EntityNotFoundError('guild', role.guildId);
      rethrowSqlite(error, 'guilds.createRole', { entity: 'role', key: role.id });
    }
    return full;
  }

  async listRoles(guildId: string, options?: StoreCallOptions): Promise<StoredRole[]> {
    throwIfAborted(options?.signal, 'guilds.listRoles');
    return (this.s.rolesOf!.all(toDbId(guildId, 'guildId')) as SqliteRow[]).map(toRole);
  }

  async updateRole(guildId: string, roleId: string, patch: RolePatch, options?: StoreCallOptions): Promise<StoredRole> {
    throwIfAborted(options?.signal, 'guilds.updateRole');
    if (patch.permissions !== undefined) checkBitfield(patch.permissions, 'permissions');
    return this.db.transaction(() => {
      const row = this.s.roleGet!.get(toDbId(guildId, 'guildId'), toDbId(roleId, 'roleId')) as SqliteRow | undefined;
      if (!row) throw new EntityNotFoundError('role', `${guildId}/${roleId}`);
      const next = applyPatch<StoredRole>(toRole(row), patch);
      this.s.roleSet!.run(roleParams(next));
      return next;
    })();
  }

  async deleteRole(guildId: string, roleId: string, options?: StoreCallOptions): Promise<boolean> {
    throwIfAborted(options?.signal, 'guilds.deleteRole');
    return this.s.roleDel!.run(toDbId(guildId, 'guildId'), toDbId(roleId, 'roleId')).changes > 0;
  }

  // ---- members ------------------------------------------------------------

  async addMember(member: NewMember, options?: StoreCallOptions): Promise<StoredMember> {
    throwIfAborted(options?.signal, 'guilds.addMember');
    const full = completeMember(member);
    try {
      this.db.transaction(() => {
        if (!this.s.guildGet!.get(BigInt(full.guildId))) throw new EntityNotFoundError('guild', full.guildId);
        this.checkRoles(full.guildId, full.roleIds);
        this.s.memberPut!.run(memberParams(full));
        this.writeMemberRoles(full);
      })();
    } catch (error) {
      rethrowSqlite(error, 'guilds.addMember', { entity: 'member', key: `${member.guildId}/${member.userId}` });
    }
    return full;
  }

  async getMember(guildId: string, userId: string, options?: StoreCallOptions): Promise<StoredMember | undefined> {
    throwIfAborted(options?.signal, 'guilds.getMember');
    const guild = toDbId(guildId, 'guildId');
    const user = toDbId(userId, 'userId');
    const row = this.s.memberGet!.get(guild, user) as SqliteRow | undefined;
    if (!row) return undefined;
    const roles = (this.s.memberRolesOf!.all(guild, user) as SqliteRow[]).map((r) => String(r.role_id));
    return toMember(row, roles);
  }

  async listMembers(guildId: string, page: MemberPage, options?: StoreCallOptions): Promise<StoredMember[]> {
    throwIfAborted(options?.signal, 'guilds.listMembers');
    const guild = toDbId(guildId, 'guildId');
    const { after, limit } = checkMemberPage(page);
    const rows = this.s.memberPage!.all(guild, after, limit) as SqliteRow[];
    if (rows.length === 0) return [];
    const roles = new Map<string, string[]>();
    const first = rows[0]?.user_id;
    const last = rows[rows.length - 1]?.user_id;
    for (const r of this.s.memberRolesRange!.all(guild, first, last) as SqliteRow[]) {
      const key = String(r.user_id);
      roles.set(key, [...(roles.get(key) ?? []), String(r.role_id)]);
    }
    return rows.map((row) => toMember(row, roles.get(String(row.user_id)) ?? []));
  }

  async updateMember(guildId: string, userId: string, patch: MemberPatch, options?: StoreCallOptions): Promise<StoredMember> {
    throwIfAborted(options?.signal, 'guilds.updateMember');
    const guild = toDbId(guildId, 'guildId');
    const user = toDbId(userId, 'userId');
    const roleIds = patch.roleIds && normaliseRoleIds(patch.roleIds);
    return this.db.transaction(() => {
      const row = this.s.memberGet!.get(guild, user) as SqliteRow | undefined;
      if (!row) throw new EntityNotFoundError('member', `${guildId}/${userId}`);
      const roles = (this.s.memberRolesOf!.all(guild, user) as SqliteRow[]).map((r) => String(r.role_id));
      const next = applyPatch<StoredMember>(toMember(row, roles), { ...patch, ...(roleIds ? { roleIds } : {}) });
      this.checkRoles(guildId, next.roleIds);
      this.s.memberSet!.run(memberParams(next));
      if (roleIds) this.writeMemberRoles(next);
      return next;
    })();
  }

  async removeMember(guildId: string, userId: string, options?: StoreCallOptions): Promise<boolean> {
    throwIfAborted(options?.signal, 'guilds.removeMember');
    return this.s.memberDel!.run(toDbId(guildId, 'guildId'), toDbId(userId, 'userId')).changes > 0;
  }

  async listGuildIdsForUser(userId: string, options?: StoreCallOptions): Promise<string[]> {
    throwIfAborted(options?.signal, 'guilds.listGuildIdsForUser');
    return (this.s.guildsOfUser!.all(toDbId(userId, 'userId')) as SqliteRow[]).map((r) => String(r.guild_id));
  }

  // ---- invites ------------------------------------------------------------

  async createInvite(invite: NewInvite, options?: StoreCallOptions): Promise<StoredInvite> {
    throwIfAborted(options?.signal, 'guilds.createInvite');
    const full = completeInvite(invite);
    try {
      this.db.transaction(() => {
        const channel = this.s.channelGet!.get(BigInt(full.channelId)) as SqliteRow | undefined;
        if (!channel || String(channel.guild_id) !== full.guildId) throw new EntityNotFoundError('channel', `${full.guildId}/${full.channelId}`);
        this.s.invitePut!.run({
          code: full.code,
          guild_id: BigInt(full.guildId),
          channel_id: BigInt(full.channelId),
          inviter_id: full.inviterId === null ? null : BigInt(full.inviterId),
          max_uses: full.maxUses,
          max_age: full.maxAge,
          temporary: flag(full.temporary),
          created_at: full.createdAt.getTime(),
        });
      })();
    } catch (error) {
      rethrowSqlite(error, 'guilds.createInvite', { entity: 'invite', key: invite.code });
    }
    return full;
  }

  async getInvite(code: string, options?: StoreCallOptions): Promise<StoredInvite | undefined> {
    throwIfAborted(options?.signal, 'guilds.getInvite');
    const row = this.s.inviteGet!.get(code) as SqliteRow | undefined;
    return row && toInvite(row);
  }

  async listInvites(guildId: string, options?: StoreCallOptions): Promise<StoredInvite[]> {
    throwIfAborted(options?.signal, 'guilds.listInvites');
    return (this.s.invitesOf!.all(toDbId(guildId, 'guildId')) as SqliteRow[]).map(toInvite);
  }

  async useInvite(code: string, now: Date, options?: StoreCallOptions): Promise<StoredInvite> {
    throwIfAborted(options?.signal, 'guilds.useInvite');
    return this.db.transaction(() => {
      const row = this.s.inviteGet!.get(code) as SqliteRow | undefined;
      if (!row) throw new EntityNotFoundError('invite', code);
      const invite = toInvite(row);
      const reason = inviteUnusableReason(invite, now);
      if (reason) throw new InviteUnusableError(code, reason);
      this.s.inviteUse!.run(code);
      return { ...invite, uses: invite.uses + 1 };
    })();
  }

  async deleteInvite(code: string, options?: StoreCallOptions): Promise<boolean> {
    throwIfAborted(options?.signal, 'guilds.deleteInvite');
    return this.s.inviteDel!.run(code).changes > 0;
  }

  async close(): Promise<void> {}

  // ---- helpers ------------------------------------------------------------

  private hydrate(row: SqliteRow): StoredChannel {
    const recipients = (this.s.recipientsOf!.all(row.id) as SqliteRow[]).map((r) => String(r.user_id));
    const overwrites = (this.s.overwritesOf!.all(row.id) as SqliteRow[]).map(toOverwrite);
    return toChannel(row, recipients, overwrites);
  }

  private checkRoles(guildId: string, roleIds: string[]): void {
    if (roleIds.length === 0) return;
    const known = Number(this.s.rolesKnown!.get(BigInt(guildId), `[${roleIds.join(',')}]`));
    if (known !== roleIds.length) throw new EntityNotFoundError('role', `${guildId}/[${roleIds.join(',')}]`);
  }

  private writeMemberRoles(member: StoredMember): void {
    const guild = BigInt(member.guildId);
    const user = BigInt(member.userId);
    this.s.memberRolesClear!.run(guild, user);
    for (const role of member.roleIds) this.s.memberRolePut!.run(guild, user, BigInt(role));
  }
}

function guildParams(g: StoredGuild) {
  return {
    id: BigInt(g.id),
    name: g.name,
    owner_id: toDbId(g.ownerId, 'ownerId'),
    icon: g.icon,
    description: g.description,
    system_channel_id: g.systemChannelId === null ? null : toDbId(g.systemChannelId, 'systemChannelId'),
    verification_level: g.verificationLevel,
    default_message_notifications: g.defaultMessageNotifications,
    explicit_content_filter: g.explicitContentFilter,
    preferred_locale: g.preferredLocale,
    features: JSON.stringify(g.features),
  };
}

function channelParams(c: StoredChannel) {
  return {
    id: BigInt(c.id),
    type: c.type,
    name: c.name,
    topic: c.topic,
    position: c.position,
    parent_id: c.parentId === null ? null : BigInt(c.parentId),
    nsfw: flag(c.nsfw),
    rate_limit_per_user: c.rateLimitPerUser,
    bitrate: c.bitrate,
    user_limit: c.userLimit,
    last_pin_timestamp: ms(c.lastPinTimestamp),
    owner_id: c.ownerId === null ? null : BigInt(c.ownerId),
  };
}

function roleParams(r: StoredRole) {
  return {
    guild_id: BigInt(r.guildId),
    id: BigInt(r.id),
    name: r.name,
    color: r.color,
    hoist: flag(r.hoist),
    position: r.position,
    permissions: r.permissions,
    managed: flag(r.managed),
    mentionable: flag(r.mentionable),
  };
}

function memberParams(m: StoredMember) {
  return {
    guild_id: BigInt(m.guildId),
    user_id: BigInt(m.userId),
    nick: m.nick,
    joined_at: m.joinedAt.getTime(),
    deaf: flag(m.deaf),
    mute: flag(m.mute),
  };
}

