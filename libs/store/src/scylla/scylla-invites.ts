/**
 * Invites on Scylla: invites keyed by code, invites_by_guild as the index
 * (with the channel id, so a channel's invites can be found). A use is a
 * compare-and-set on `uses`, so concurrent joins never pass max_uses.
 */
import { DuplicateEntityError, EntityNotFoundError, InviteUnusableError, StoreUnavailableError } from '../errors';
import { completeInvite, inviteUnusableReason } from '../guilds/guild-records';
import type { NewInvite, StoredInvite } from '../guilds/guild-store.port';
import { toDbIdOrNull } from '../ids';
import { INVITE_COLUMNS, toInvite } from './scylla-guild-rows';
import { applied, type ScyllaSession } from './scylla-session';

/** Compare-and-set attempts of a use; each failure means another use won, so this bounds contention, not progress. */
const CAS_ATTEMPTS = 50;

/** Invite reads and writes of the Scylla guild adapter. */
export class ScyllaInvites {
  private readonly q;

  constructor(private readonly session: ScyllaSession) {
    const t = (name: string) => session.table(name);
    this.q = {
      put: `INSERT INTO ${t('invites')} (${INVITE_COLUMNS}) VALUES (?, ?, ?, ?, 0, ?, ?, ?, ?) IF NOT EXISTS`,
      get: `SELECT ${INVITE_COLUMNS} FROM ${t('invites')} WHERE code = ?`,
      use: `UPDATE ${t('invites')} SET uses = ? WHERE code = ? IF uses = ?`,
      del: `DELETE FROM ${t('invites')} WHERE code = ? IF EXISTS`,
      indexPut: `INSERT INTO ${t('invites_by_guild')} (guild_id, code, channel_id) VALUES (?, ?, ?)`,
      indexGet: `SELECT code, channel_id FROM ${t('invites_by_guild')} WHERE guild_id = ?`,
      indexDel: `DELETE FROM ${t('invites_by_guild')} WHERE guild_id = ? AND code = ?`,
      indexDrop: `DELETE FROM ${t('invites_by_guild')} WHERE guild_id = ?`,
    };
  }

  /** Creates an invite (the caller checked the channel belongs to the guild). */
  async create(invite: NewInvite, signal?: AbortSignal): Promise<StoredInvite> {
    const i = completeInvite(invite);
    const guild = BigInt(i.guildId);
    const params = [i.code, guild, BigInt(i.channelId), toDbIdOrNull(i.inviterId, 'inviterId'), i.maxUses, i.maxAge, i.temporary, i.createdAt];
    if (!applied(await this.session.execute('guilds.createInvite', 'lwt', this.q.put, params, signal))) throw new DuplicateEntityError('invite', i.code);
    await this.session.execute('guilds.createInvite', 'write', this.q.indexPut, [guild, i.code, BigInt(i.channelId)], signal);
    return i;
  }

  /** One invite, or undefined. */
  async get(code: string, signal?: AbortSignal): Promise<StoredInvite | undefined> {
    const row = (await this.session.execute('guilds.getInvite', 'read', this.q.get, [code], signal)).first();
    return row ? toInvite(row) : undefined;
  }

  /** A guild's invites by code. */
  async list(guild: bigint, signal?: AbortSignal): Promise<StoredInvite[]> {
    const rows = await this.session.readAll('guilds.listInvites', this.q.indexGet, [guild], signal);
    const invites = await Promise.all(rows.map((row) => this.get(row.get('code') as string, signal)));
    return invites.filter((i): i is StoredInvite => i !== undefined && i.guildId === guild.toString());
  }

  /** Counts one use with compare-and-set. */
  async use(code: string, now: Date, signal?: AbortSignal): Promise<StoredInvite> {
    for (let attempt = 0; attempt < CAS_ATTEMPTS; attempt += 1) {
      const invite = await this.get(code, signal);
      if (!invite) throw new EntityNotFoundError('invite', code);
      const reason = inviteUnusableReason(invite, now);
      if (reason) throw new InviteUnusableError(code, reason);
      const result = await this.session.execute('guilds.useInvite', 'lwt', this.q.use, [invite.uses + 1, code, invite.uses], signal);
      if (applied(result)) return { ...invite, uses: invite.uses + 1 };
    }
    throw new StoreUnavailableError('scylla', 'guilds.useInvite (compare-and-set kept losing)');
  }

  /** Deletes an invite and its index row. */
  async delete(code: string, signal?: AbortSignal): Promise<boolean> {
    const invite = await this.get(code, signal);
    if (!invite) return false;
    const existed = applied(await this.session.execute('guilds.deleteInvite', 'lwt', this.q.del, [code], signal));
    await this.session.execute('guilds.deleteInvite', 'write', this.q.indexDel, [BigInt(invite.guildId), code], signal);
    return existed;
  }

  /** Deletes the invites of one channel of a guild. */
  async deleteForChannel(guild: bigint, channel: bigint, signal?: AbortSignal): Promise<void> {
    const rows = await this.session.readAll('guilds.deleteChannel', this.q.indexGet, [guild], signal);
    const codes = rows.filter((row) => (row.get('channel_id') as bigint) === channel).map((row) => row.get('code') as string);
    await Promise.all(codes.map((code) => this.delete(code, signal)));
  }

  /** Deletes every invite of a guild and its index partition. */
  async dropGuild(guild: bigint, signal?: AbortSignal): Promise<void> {
    const rows = await this.session.readAll('guilds.deleteGuild', this.q.indexGet, [guild], signal);
    await Promise.all(rows.map((row) => this.session.execute('guilds.deleteGuild', 'lwt', this.q.del, [row.get('code')], signal)));
    await this.session.execute('guilds.deleteGuild', 'write', this.q.indexDrop, [guild], signal);
  }
}
