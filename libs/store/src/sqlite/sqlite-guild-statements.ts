/**
 * The prepared statements of the SQLite guild tables, and the row-to-parameter
 * conversions the guild adapter binds them with.
 */
import type Database from 'better-sqlite3';
import type { StoredChannel, StoredGuild, StoredMember, StoredRole } from '../guilds/guild-store.port';
import { toDbId } from '../ids';
import type { SqliteDatabase } from './sqlite-database';
import { flag, ms } from './sqlite-values';

/** A statement taking positional or named parameters. */
export type Statement = Database.Statement<unknown[]>;

/** Every statement the guild adapter uses, prepared once per connection. */
export type GuildStatements = Record<string, Statement>;

/** Prepares the guild adapter's statements on `db`. */
export function prepareGuildStatements(db: SqliteDatabase): GuildStatements {
  const p = (sql: string) => db.prepare<unknown[]>(sql);
return {
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

/** Parameters of guildPut / guildSet. */
export function guildParams(g: StoredGuild) {
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

/** Parameters of channelPut / channelSet. */
export function channelParams(c: StoredChannel) {
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

/** Parameters of rolePut / roleSet. */
export function roleParams(r: StoredRole) {
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

/** Parameters of memberPut / memberSet. */
export function memberParams(m: StoredMember) {
  return {
    guild_id: BigInt(m.guildId),
    user_id: BigInt(m.userId),
    nick: m.nick,
    joined_at: m.joinedAt.getTime(),
    deaf: flag(m.deaf),
    mute: flag(m.mute),
  };
}
