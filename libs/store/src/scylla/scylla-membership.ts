/**
 * Roles and members on Scylla: roles partitioned by guild, members
 * partitioned by guild and clustered by user id (List Guild Members pages by
 * user id), guilds_by_user as the reverse index. Used by ScyllaGuildStore.
 */
import { DuplicateEntityError, EntityNotFoundError } from '../errors';
import { checkMemberPage, completeMember, completeRole, normaliseRoleIds } from '../guilds/guild-records';
import type { MemberPage, MemberPatch, NewMember, NewRole, RolePatch, StoredMember, StoredRole } from '../guilds/guild-store.port';
import { checkBitfield, toDbId } from '../ids';
import { byPositionThenId, MEMBER_COLUMNS, ROLE_COLUMNS, toMember, toRole } from './scylla-guild-rows';
import { applied, type ScyllaSession } from './scylla-session';

/** Role and member reads and writes of the Scylla guild adapter. */
export class ScyllaMembership {
  private readonly q;

  constructor(private readonly session: ScyllaSession) {
    const t = (name: string) => session.table(name);
    this.q = {
      rolePut: `INSERT INTO ${t('roles')} (${ROLE_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) IF NOT EXISTS`,
      roleGet: `SELECT ${ROLE_COLUMNS} FROM ${t('roles')} WHERE guild_id = ? AND role_id = ?`,
      rolesOf: `SELECT ${ROLE_COLUMNS} FROM ${t('roles')} WHERE guild_id = ?`,
      rolesIn: `SELECT role_id FROM ${t('roles')} WHERE guild_id = ? AND role_id IN ?`,
      roleSet: `UPDATE ${t('roles')} SET name = ?, color = ?, hoist = ?, position = ?, permissions = ?, mentionable = ?
        WHERE guild_id = ? AND role_id = ? IF EXISTS`,
      roleDel: `DELETE FROM ${t('roles')} WHERE guild_id = ? AND role_id = ? IF EXISTS`,
      rolesDrop: `DELETE FROM ${t('roles')} WHERE guild_id = ?`,
      memberPut: `INSERT INTO ${t('members')} (${MEMBER_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?) IF NOT EXISTS`,
      memberGet: `SELECT ${MEMBER_COLUMNS} FROM ${t('members')} WHERE guild_id = ? AND user_id = ?`,
      memberPage: `SELECT ${MEMBER_COLUMNS} FROM ${t('members')} WHERE guild_id = ? AND user_id > ? LIMIT ?`,
      membersAll: `SELECT user_id, role_ids FROM ${t('members')} WHERE guild_id = ?`,
      memberSet: `UPDATE ${t('members')} SET nick = ?, role_ids = ?, deaf = ?, mute = ? WHERE guild_id = ? AND user_id = ? IF EXISTS`,
      memberRoleDrop: `UPDATE ${t('members')} SET role_ids = role_ids - ? WHERE guild_id = ? AND user_id = ?`,
      memberDel: `DELETE FROM ${t('members')} WHERE guild_id = ? AND user_id = ? IF EXISTS`,
      membersDrop: `DELETE FROM ${t('members')} WHERE guild_id = ?`,
      byUserPut: `INSERT INTO ${t('guilds_by_user')} (user_id, guild_id) VALUES (?, ?)`,
      byUserGet: `SELECT guild_id FROM ${t('guilds_by_user')} WHERE user_id = ?`,
      byUserDel: `DELETE FROM ${t('guilds_by_user')} WHERE user_id = ? AND guild_id = ?`,
    };
  }

  /** Creates a role (the caller checked the guild exists). */
  async createRole(role: NewRole, signal?: AbortSignal): Promise<StoredRole> {
    const r = completeRole(role);
    const params = [BigInt(r.guildId), BigInt(r.id), r.name, r.color, r.hoist, r.position, r.permissions, r.managed, r.mentionable];
    if (!applied(await this.session.execute('guilds.createRole', 'lwt', this.q.rolePut, params, signal))) throw new DuplicateEntityError('role', r.id);
    return r;
  }

  /** A guild's roles by (position, id). */
  async listRoles(guildId: bigint, signal?: AbortSignal): Promise<StoredRole[]> {
    return byPositionThenId((await this.session.readAll('guilds.listRoles', this.q.rolesOf, [guildId], signal)).map(toRole));
  }

  /** Applies a role patch. */
  async updateRole(guildId: string, roleId: string, patch: RolePatch, signal?: AbortSignal): Promise<StoredRole> {
    const key = [toDbId(guildId, 'guildId'), toDbId(roleId, 'roleId')];
    if (patch.permissions !== undefined) checkBitfield(patch.permissions, 'permissions');
    const params = [patch.name, patch.color, patch.hoist, patch.position, patch.permissions, patch.mentionable, ...key];
    if (!applied(await this.session.execute('guilds.updateRole', 'lwt', this.q.roleSet, params, signal))) throw new EntityNotFoundError('role', `${guildId}/${roleId}`);
    const row = (await this.session.execute('guilds.updateRole', 'read', this.q.roleGet, key, signal)).first();
    if (!row) throw new EntityNotFoundError('role', `${guildId}/${roleId}`);
    return toRole(row);
  }

  /** Deletes a role, then takes it from every member that has it (a scan of the guild's members). */
  async deleteRole(guildId: string, roleId: string, signal?: AbortSignal): Promise<boolean> {
    const guild = toDbId(guildId, 'guildId');
    const role = toDbId(roleId, 'roleId');
    if (!applied(await this.session.execute('guilds.deleteRole', 'lwt', this.q.roleDel, [guild, role], signal))) return false;
    const members = await this.session.readAll('guilds.deleteRole', this.q.membersAll, [guild], signal);
    const holders = members.filter((row) => ((row.get('role_ids') as bigint[] | null) ?? []).includes(role));
    await Promise.all(holders.map((row) => this.session.execute('guilds.deleteRole', 'write', this.q.memberRoleDrop, [[role], guild, row.get('user_id')], signal)));
    return true;
  }

  /** Adds a member (the caller checked the guild exists). */
  async addMember(member: NewMember, signal?: AbortSignal): Promise<StoredMember> {
    const m = completeMember(member);
    const guild = BigInt(m.guildId);
    const user = BigInt(m.userId);
    await this.checkRoles(guild, m.roleIds, signal);
    const params = [guild, user, m.nick, m.roleIds.map(BigInt), m.joinedAt, m.deaf, m.mute];
    if (!applied(await this.session.execute('guilds.addMember', 'lwt', this.q.memberPut, params, signal))) {
      throw new DuplicateEntityError('member', `${m.guildId}/${m.userId}`);
    }
    await this.session.execute('guilds.addMember', 'write', this.q.byUserPut, [user, guild], signal);
    return m;
  }

  /** One member, or undefined. */
  async getMember(guild: bigint, user: bigint, signal?: AbortSignal): Promise<StoredMember | undefined> {
    const row = (await this.session.execute('guilds.getMember', 'read', this.q.memberGet, [guild, user], signal)).first();
    return row ? toMember(row) : undefined;
  }

  /** A page of members by user id. */
  async listMembers(guildId: string, page: MemberPage, signal?: AbortSignal): Promise<StoredMember[]> {
    const guild = toDbId(guildId, 'guildId');
    const { after, limit } = checkMemberPage(page);
    const result = await this.session.execute('guilds.listMembers', 'read', this.q.memberPage, [guild, after, limit], signal, { fetchSize: limit });
    return result.rows.map(toMember);
  }

  /** Applies a member patch. */
  async updateMember(guildId: string, userId: string, patch: MemberPatch, signal?: AbortSignal): Promise<StoredMember> {
    const guild = toDbId(guildId, 'guildId');
    const user = toDbId(userId, 'userId');
    const roleIds = patch.roleIds && normaliseRoleIds(patch.roleIds);
    if (roleIds) await this.checkRoles(guild, roleIds, signal);
    const params = [patch.nick, roleIds?.map(BigInt), patch.deaf, patch.mute, guild, user];
    if (!applied(await this.session.execute('guilds.updateMember', 'lwt', this.q.memberSet, params, signal))) {
      throw new EntityNotFoundError('member', `${guildId}/${userId}`);
    }
    const after = await this.getMember(guild, user, signal);
    if (!after) throw new EntityNotFoundError('member', `${guildId}/${userId}`);
    return after;
  }

  /** Removes a member and the reverse index row. */
  async removeMember(guildId: string, userId: string, signal?: AbortSignal): Promise<boolean> {
    const guild = toDbId(guildId, 'guildId');
    const user = toDbId(userId, 'userId');
    const existed = applied(await this.session.execute('guilds.removeMember', 'lwt', this.q.memberDel, [guild, user], signal));
    await this.session.execute('guilds.removeMember', 'write', this.q.byUserDel, [user, guild], signal);
    return existed;
  }

  /** A user's guild ids, ascending. */
  async guildIdsOfUser(userId: string, signal?: AbortSignal): Promise<string[]> {
    const rows = await this.session.readAll('guilds.listGuildIdsForUser', this.q.byUserGet, [toDbId(userId, 'userId')], signal);
    return rows.map((row) => String(row.get('guild_id')));
  }

  /** Drops every role, member and reverse-index row of a deleted guild. */
  async dropGuild(guild: bigint, signal?: AbortSignal): Promise<void> {
    const members = await this.session.readAll('guilds.deleteGuild', this.q.membersAll, [guild], signal);
    await Promise.all(members.map((row) => this.session.execute('guilds.deleteGuild', 'write', this.q.byUserDel, [row.get('user_id'), guild], signal)));
    await this.session.execute('guilds.deleteGuild', 'write', this.q.membersDrop, [guild], signal);
    await this.session.execute('guilds.deleteGuild', 'write', this.q.rolesDrop, [guild], signal);
  }

  private async checkRoles(guild: bigint, roleIds: string[], signal?: AbortSignal): Promise<void> {
    if (roleIds.length === 0) return;
    const found = await this.session.execute('guilds.checkRoles', 'read', this.q.rolesIn, [guild, roleIds.map(BigInt)], signal);
    if (found.rowLength !== roleIds.length) throw new EntityNotFoundError('role', `${guild}/[${roleIds.join(',')}]`);
  }
}
