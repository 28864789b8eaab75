/**
 * Roles, members and invites of the SQLite guild adapter. Role ids of a
 * member live in member_roles, whose foreign key to roles takes a deleted
 * role from every member.
 */
import { throwIfAborted } from '../cancellation';
import { EntityNotFoundError, InviteUnusableError } from '../errors';
import { applyPatch, checkMemberPage, completeInvite, completeMember, completeRole, inviteUnusableReason, normaliseRoleIds } from '../guilds/guild-records';
import type { MemberPage, MemberPatch, NewInvite, NewMember, NewRole, RolePatch, StoredInvite, StoredMember, StoredRole } from '../guilds/guild-store.port';
import { checkBitfield, toDbId } from '../ids';
import type { StoreCallOptions } from '../messages/message-store.port';
import type { SqliteDatabase } from './sqlite-database';
import { isForeignKeyViolation, rethrowSqlite } from './sqlite-errors';
import { memberParams, roleParams, type GuildStatements } from './sqlite-guild-statements';
import { toInvite, toMember, toRole } from './sqlite-guild-rows';
import { flag, type SqliteRow } from './sqlite-values';

/** Role, member and invite operations; SqliteGuildStore delegates to it. */
export class SqliteMembership {
  constructor(
    private readonly db: SqliteDatabase,
    private readonly s: GuildStatements,
  ) {}

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
