/**
 * GuildStore on Scylla. Guild rows live here; channels, roles and members,
 * and invites have their own helpers. Every conditional write is a
 * lightweight transaction (create IF NOT EXISTS, update/delete IF EXISTS), so
 * a duplicate is a ConflictError and an update never resurrects a deleted
 * row. Deleting a guild removes its children first and the guild row last.
 */
import { DuplicateEntityError, EntityNotFoundError } from '../errors';
import { completeGuild } from '../guilds/guild-records';
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
import { toDbId, toDbIdOrNull } from '../ids';
import type { StoreCallOptions } from '../messages/message-store.port';
import { ScyllaChannels } from './scylla-channels';
import { GUILD_COLUMNS, toGuild } from './scylla-guild-rows';
import { ScyllaInvites } from './scylla-invites';
import { ScyllaMembership } from './scylla-membership';
import { applied, type ScyllaSession } from './scylla-session';

/** The Scylla guilds adapter. */
export class ScyllaGuildStore implements GuildStore {
  private readonly channels: ScyllaChannels;
  private readonly membership: ScyllaMembership;
  private readonly invites: ScyllaInvites;
  private readonly q;

  constructor(private readonly session: ScyllaSession) {
    this.channels = new ScyllaChannels(session);
    this.membership = new ScyllaMembership(session);
    this.invites = new ScyllaInvites(session);
    const t = session.table('guilds');
    this.q = {
      put: `INSERT INTO ${t} (${GUILD_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) IF NOT EXISTS`,
      get: `SELECT ${GUILD_COLUMNS} FROM ${t} WHERE id = ?`,
      set: `UPDATE ${t} SET name = ?, owner_id = ?, icon = ?, description = ?, system_channel_id = ?, verification_level = ?,
        default_message_notifications = ?, explicit_content_filter = ?, preferred_locale = ?, features = ? WHERE id = ? IF EXISTS`,
      del: `DELETE FROM ${t} WHERE id = ? IF EXISTS`,
    };
  }

  // ---- guilds -------------------------------------------------------------

  async createGuild(guild: NewGuild, options?: StoreCallOptions): Promise<StoredGuild> {
    const g = completeGuild(guild);
    const params = [
      BigInt(g.id), g.name, BigInt(g.ownerId), g.icon, g.description, toDbIdOrNull(g.systemChannelId, 'systemChannelId'),
      g.verificationLevel, g.defaultMessageNotifications, g.explicitContentFilter, g.preferredLocale, g.features,
    ];
    if (!applied(await this.session.execute('guilds.createGuild', 'lwt', this.q.put, params, options?.signal))) throw new DuplicateEntityError('guild', g.id);
    return g;
  }

  async getGuild(guildId: string, options?: StoreCallOptions): Promise<StoredGuild | undefined> {
    return this.readGuild(toDbId(guildId, 'guildId'), options?.signal);
  }

  async updateGuild(guildId: string, patch: GuildPatch, options?: StoreCallOptions): Promise<StoredGuild> {
    const id = toDbId(guildId, 'guildId');
    const params = [
      patch.name, patch.ownerId === undefined ? undefined : toDbId(patch.ownerId, 'ownerId'), patch.icon, patch.description,
      patch.systemChannelId === undefined ? undefined : toDbIdOrNull(patch.systemChannelId, 'systemChannelId'),
      patch.verificationLevel, patch.defaultMessageNotifications, patch.explicitContentFilter, patch.preferredLocale, patch.features, id,
    ];
    if (!applied(await this.session.execute('guilds.updateGuild', 'lwt', this.q.set, params, options?.signal))) throw new EntityNotFoundError('guild', guildId);
    const after = await this.readGuild(id, options?.signal);
    if (!after) throw new EntityNotFoundError('guild', guildId);
    return after;
  }

  async deleteGuild(guildId: string, options?: StoreCallOptions): Promise<boolean> {
    const signal = options?.signal;
    const id = toDbId(guildId, 'guildId');
    if (!(await this.readGuild(id, signal))) return false;
    await this.invites.dropGuild(id, signal);
    const channels = await this.channels.list(id, signal);
    await Promise.all(channels.map((channel) => this.channels.delete(channel, signal)));
    await this.channels.dropGuildIndex(id, signal);
    await this.membership.dropGuild(id, signal);
    return applied(await this.session.execute('guilds.deleteGuild', 'lwt', this.q.del, [id], signal));
  }

  // ---- channels -----------------------------------------------------------

  async createChannel(channel: NewChannel, options?: StoreCallOptions): Promise<StoredChannel> {
    return this.channels.create(channel, async (guildId) => (await this.readGuild(BigInt(guildId), options?.signal)) !== undefined, options?.signal);
  }

  async getChannel(channelId: string, options?: StoreCallOptions): Promise<StoredChannel | undefined> {
    return this.channels.get(toDbId(channelId, 'channelId'), options?.signal);
  }

  async listChannels(guildId: string, options?: StoreCallOptions): Promise<StoredChannel[]> {
    return this.channels.list(toDbId(guildId, 'guildId'), options?.signal);
  }

  async updateChannel(channelId: string, patch: ChannelPatch, options?: StoreCallOptions): Promise<StoredChannel> {
    return this.channels.update(channelId, patch, options?.signal);
  }

  async setLastMessageId(channelId: string, messageId: string, options?: StoreCallOptions): Promise<void> {
    await this.channels.setLastMessageId(channelId, messageId, options?.signal);
  }

  async deleteChannel(channelId: string, options?: StoreCallOptions): Promise<boolean> {
    const signal = options?.signal;
    const channel = await this.channels.get(toDbId(channelId, 'channelId'), signal);
    if (!channel) return false;
    if (channel.guildId !== null) await this.invites.deleteForChannel(BigInt(channel.guildId), BigInt(channel.id), signal);
    return this.channels.delete(channel, signal);
  }

  async getDmChannel(userId: string, otherUserId: string, options?: StoreCallOptions): Promise<StoredChannel | undefined> {
    return this.channels.getDm(userId, otherUserId, options?.signal);
  }

  async listDmChannels(userId: string, options?: StoreCallOptions): Promise<StoredChannel[]> {
    return this.channels.listDms(userId, options?.signal);
  }

  async setPermissionOverwrite(channelId: string, overwrite: PermissionOverwrite, options?: StoreCallOptions): Promise<void> {
    await this.channels.setOverwrite(channelId, overwrite, options?.signal);
  }

  async deletePermissionOverwrite(channelId: string, targetId: string, options?: StoreCallOptions): Promise<boolean> {
    return this.channels.deleteOverwrite(channelId, targetId, options?.signal);
  }

  // ---- roles and members --------------------------------------------------

  async createRole(role: NewRole, options?: StoreCallOptions): Promise<StoredRole> {
    await this.requireGuild(role.guildId, options?.signal);
    return this.membership.createRole(role, options?.signal);
  }

  async listRoles(guildId: string, options?: StoreCallOptions): Promise<StoredRole[]> {
    return this.membership.listRoles(toDbId(guildId, 'guildId'), options?.signal);
  }

  async updateRole(guildId: string, roleId: string, patch: RolePatch, options?: StoreCallOptions): Promise<StoredRole> {
    return this.membership.updateRole(guildId, roleId, patch, options?.signal);
  }

  async deleteRole(guildId: string, roleId: string, options?: StoreCallOptions): Promise<boolean> {
    return this.membership.deleteRole(guildId, roleId, options?.signal);
  }

  async addMember(member: NewMember, options?: StoreCallOptions): Promise<StoredMember> {
    await this.requireGuild(member.guildId, options?.signal);
    return this.membership.addMember(member, options?.signal);
  }

  async getMember(guildId: string, userId: string, options?: StoreCallOptions): Promise<StoredMember | undefined> {
    return this.membership.getMember(toDbId(guildId, 'guildId'), toDbId(userId, 'userId'), options?.signal);
  }

  async listMembers(guildId: string, page: MemberPage, options?: StoreCallOptions): Promise<StoredMember[]> {
    return this.membership.listMembers(guildId, page, options?.signal);
  }

  async updateMember(guildId: string, userId: string, patch: MemberPatch, options?: StoreCallOptions): Promise<StoredMember> {
    return this.membership.updateMember(guildId, userId, patch, options?.signal);
  }

  async removeMember(guildId: string, userId: string, options?: StoreCallOptions): Promise<boolean> {
    return this.membership.removeMember(guildId, userId, options?.signal);
  }

  async listGuildIdsForUser(userId: string, options?: StoreCallOptions): Promise<string[]> {
    return this.membership.guildIdsOfUser(userId, options?.signal);
  }

  // ---- invites ------------------------------------------------------------

  async createInvite(invite: NewInvite, options?: StoreCallOptions): Promise<StoredInvite> {
    const channelId = toDbId(invite.channelId, 'channelId');
    toDbId(invite.guildId, 'guildId');
    const channel = await this.channels.get(channelId, options?.signal);
    if (!channel || channel.guildId !== invite.guildId) throw new EntityNotFoundError('channel', `${invite.guildId}/${invite.channelId}`);
    return this.invites.create(invite, options?.signal);
  }

  async getInvite(code: string, options?: StoreCallOptions): Promise<StoredInvite | undefined> {
    return this.invites.get(code, options?.signal);
  }

  async listInvites(guildId: string, options?: StoreCallOptions): Promise<StoredInvite[]> {
    return this.invites.list(toDbId(guildId, 'guildId'), options?.signal);
  }

  async useInvite(code: string, now: Date, options?: StoreCallOptions): Promise<StoredInvite> {
    return this.invites.use(code, now, options?.signal);
  }

  async deleteInvite(code: string, options?: StoreCallOptions): Promise<boolean> {
    return this.invites.delete(code, options?.signal);
  }

  async close(): Promise<void> {
    // The connection is shared by every port; the Store returned by openStore closes it.
  }

  private async readGuild(id: bigint, signal?: AbortSignal): Promise<StoredGuild | undefined> {
    const row = (await this.session.execute('guilds.getGuild', 'read', this.q.get, [id], signal)).first();
    return row ? toGuild(row) : undefined;
  }

  private async requireGuild(guildId: string, signal?: AbortSignal): Promise<void> {
    if (!(await this.readGuild(toDbId(guildId, 'guildId'), signal))) throw new EntityNotFoundError('guild', guildId);
  }
}
