/**
 * UserStore on Scylla. Unique usernames, emails and bot users are claimed
 * with INSERT ... IF NOT EXISTS in lookup tables (users_by_tag,
 * users_by_email, application_by_bot_user) before the main row is written,
 * and released (DELETE ... IF user_id = claimant) when the write fails or the
 * value changes. Lookups re-check the main row, so a claim left behind by a
 * crash never returns the wrong user. Tokens are keyed by their SHA-256.
 */
import { dateOf } from '@chat/snowflake';
import { hashPassword, verifyPassword } from '../credentials/password-hash';
import { hashToken } from '../credentials/token-hash';
import { DuplicateEntityError, EntityNotFoundError } from '../errors';
import { applyPatch } from '../guilds/guild-records';
import { toDbId, toDbIdOrNull } from '../ids';
import type { StoreCallOptions } from '../messages/message-store.port';
import { checkPassword, checkToken, checkTokenKind, checkUser, completeApplication, completeUser, emailKey, tagKey } from '../users/user-records';
import type {
  ApplicationPatch,
  NewApplication,
  NewUser,
  StoredApplication,
  StoredToken,
  StoredUser,
  TokenKind,
  UserPatch,
  UserStore,
} from '../users/user-store.port';
import { applied, type ScyllaSession } from './scylla-session';
import { boolOr, idText, idTextOrNull, intOr, textOrNull, type CqlRow } from './scylla-values';

const USER_COLUMNS = 'id, username, discriminator, global_name, avatar, bot, flags, email';
const APP_COLUMNS = 'id, name, description, owner_id, bot_user_id, bot_public, bot_require_code_grant, flags';

function toUser(row: CqlRow): StoredUser {
  const id = idText(row.get('id'));
  return {
    id,
    username: row.get('username') as string,
    discriminator: row.get('discriminator') as string,
    globalName: textOrNull(row.get('global_name')),
    avatar: textOrNull(row.get('avatar')),
    bot: boolOr(row.get('bot')),
    flags: intOr(row.get('flags'), 0),
    email: textOrNull(row.get('email')),
    createdAt: dateOf(id),
  };
}

function toApplication(row: CqlRow): StoredApplication {
  const id = idText(row.get('id'));
  return {
    id,
    name: row.get('name') as string,
    description: textOrNull(row.get('description')) ?? '',
    ownerId: idText(row.get('owner_id')),
    botUserId: idTextOrNull(row.get('bot_user_id')),
    botPublic: boolOr(row.get('bot_public'), true),
    botRequireCodeGrant: boolOr(row.get('bot_require_code_grant')),
    flags: intOr(row.get('flags'), 0),
    createdAt: dateOf(id),
  };
}

/** The Scylla users adapter. */
export class ScyllaUserStore implements UserStore {
  private readonly q;

  constructor(private readonly session: ScyllaSession) {
    const t = (name: string) => session.table(name);
    this.q = {
      userPut: `INSERT INTO ${t('users')} (${USER_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?) IF NOT EXISTS`,
      userGet: `SELECT ${USER_COLUMNS} FROM ${t('users')} WHERE id = ?`,
      userSet: `UPDATE ${t('users')} SET username = ?, discriminator = ?, global_name = ?, avatar = ?, flags = ?, email = ? WHERE id = ? IF EXISTS`,
      passwordSet: `UPDATE ${t('users')} SET password_hash = ? WHERE id = ? IF EXISTS`,
      passwordGet: `SELECT password_hash FROM ${t('users')} WHERE id = ?`,
      tagClaim: `INSERT INTO ${t('users_by_tag')} (tag_key, user_id) VALUES (?, ?) IF NOT EXISTS`,
      tagGet: `SELECT user_id FROM ${t('users_by_tag')} WHERE tag_key = ?`,
      tagRelease: `DELETE FROM ${t('users_by_tag')} WHERE tag_key = ? IF user_id = ?`,
      emailClaim: `INSERT INTO ${t('users_by_email')} (email_key, user_id) VALUES (?, ?) IF NOT EXISTS`,
      emailGet: `SELECT user_id FROM ${t('users_by_email')} WHERE email_key = ?`,
      emailRelease: `DELETE FROM ${t('users_by_email')} WHERE email_key = ? IF user_id = ?`,
      tokenPut: `INSERT INTO ${t('tokens')} (token_hash, user_id, kind, created_at) VALUES (?, ?, ?, ?) IF NOT EXISTS`,
      tokenGet: `SELECT user_id, kind, created_at FROM ${t('tokens')} WHERE token_hash = ?`,
      tokenDel: `DELETE FROM ${t('tokens')} WHERE token_hash = ?`,
      tokenIndexPut: `INSERT INTO ${t('tokens_by_user')} (user_id, token_hash, kind) VALUES (?, ?, ?)`,
      tokenIndexGet: `SELECT token_hash, kind FROM ${t('tokens_by_user')} WHERE user_id = ?`,
      tokenIndexDel: `DELETE FROM ${t('tokens_by_user')} WHERE user_id = ? AND token_hash = ?`,
      appPut: `INSERT INTO ${t('applications')} (${APP_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?) IF NOT EXISTS`,
      appGet: `SELECT ${APP_COLUMNS} FROM ${t('applications')} WHERE id = ?`,
      appSet: `UPDATE ${t('applications')} SET name = ?, description = ?, bot_user_id = ?, bot_public = ?, bot_require_code_grant = ?, flags = ? WHERE id = ? IF EXISTS`,
      ownerIndexPut: `INSERT INTO ${t('applications_by_owner')} (owner_id, application_id) VALUES (?, ?)`,
      ownerIndexGet: `SELECT application_id FROM ${t('applications_by_owner')} WHERE owner_id = ?`,
      botClaim: `INSERT INTO ${t('application_by_bot_user')} (bot_user_id, application_id) VALUES (?, ?) IF NOT EXISTS`,
      botGet: `SELECT application_id FROM ${t('application_by_bot_user')} WHERE bot_user_id = ?`,
      botRelease: `DELETE FROM ${t('application_by_bot_user')} WHERE bot_user_id = ? IF application_id = ?`,
    };
  }

  // ---- users --------------------------------------------------------------

  async createUser(user: NewUser, options?: StoreCallOptions): Promise<StoredUser> {
    const signal = options?.signal;
    const full = completeUser(user);
    const id = BigInt(full.id);
    const tag = tagKey(full.username, full.discriminator);
    const email = emailKey(full.email);
    if (!(await this.claim(this.q.tagClaim, tag, id, signal))) throw new DuplicateEntityError('username', `${full.username}#${full.discriminator}`);
    try {
      if (email !== null && !(await this.claim(this.q.emailClaim, email, id, signal))) throw new DuplicateEntityError('email', String(full.email));
      const params = [id, full.username, full.discriminator, full.globalName, full.avatar, full.bot, full.flags, full.email];
      if (!applied(await this.session.execute('users.createUser', 'lwt', this.q.userPut, params, signal))) throw new DuplicateEntityError('user', full.id);
    } catch (error) {
      await this.release(this.q.tagRelease, tag, id);
      if (email !== null && !(error instanceof DuplicateEntityError && error.entity === 'email')) await this.release(this.q.emailRelease, email, id);
      throw error;
    }
    return full;
  }

  async getUser(userId: string, options?: StoreCallOptions): Promise<StoredUser | undefined> {
    return this.readUser(toDbId(userId, 'userId'), options?.signal);
  }

  async getUsers(userIds: readonly string[], options?: StoreCallOptions): Promise<StoredUser[]> {
    const ids = userIds.map((id) => toDbId(id, 'userIds'));
    const users = await Promise.all(ids.map((id) => this.readUser(id, options?.signal)));
    return users.filter((u): u is StoredUser => u !== undefined);
  }

  async getUserByUsername(username: string, discriminator = '0', options?: StoreCallOptions): Promise<StoredUser | undefined> {
    const tag = tagKey(username, discriminator);
    const user = await this.lookup(this.q.tagGet, tag, options?.signal);
    return user && tagKey(user.username, user.discriminator) === tag ? user : undefined;
  }

  async getUserByEmail(email: string, options?: StoreCallOptions): Promise<StoredUser | undefined> {
    const key = emailKey(email) as string;
    const user = await this.lookup(this.q.emailGet, key, options?.signal);
    return user && emailKey(user.email) === key ? user : undefined;
  }

  async updateUser(userId: string, patch: UserPatch, options?: StoreCallOptions): Promise<StoredUser> {
    const signal = options?.signal;
    const id = toDbId(userId, 'userId');
    const current = await this.readUser(id, signal);
    if (!current) throw new EntityNotFoundError('user', userId);
    const next = applyPatch<StoredUser>(current, patch);
    checkUser(next);
    const oldTag = tagKey(current.username, current.discriminator);
    const newTag = tagKey(next.username, next.discriminator);
    const oldEmail = emailKey(current.email);
    const newEmail = emailKey(next.email);
    const claimedTag = newTag !== oldTag;
    const claimedEmail = newEmail !== oldEmail && newEmail !== null;
    if (claimedTag && !(await this.claim(this.q.tagClaim, newTag, id, signal))) throw new DuplicateEntityError('username', `${next.username}#${next.discriminator}`);
    try {
      if (claimedEmail && !(await this.claim(this.q.emailClaim, newEmail as string, id, signal))) throw new DuplicateEntityError('email', String(next.email));
      const params = [patch.username, patch.discriminator, patch.globalName, patch.avatar, patch.flags, patch.email, id];
      if (!applied(await this.session.execute('users.updateUser', 'lwt', this.q.userSet, params, signal))) throw new EntityNotFoundError('user', userId);
    } catch (error) {
      if (claimedTag) await this.release(this.q.tagRelease, newTag, id);
      if (claimedEmail && !(error instanceof DuplicateEntityError && error.entity === 'email')) await this.release(this.q.emailRelease, newEmail as string, id);
      throw error;
    }
    if (claimedTag) await this.release(this.q.tagRelease, oldTag, id);
    if (newEmail !== oldEmail && oldEmail !== null) await this.release(this.q.emailRelease, oldEmail, id);
    return (await this.readUser(id, signal)) ?? next;
  }

  // ---- passwords ----------------------------------------------------------

  async setPassword(userId: string, password: string, options?: StoreCallOptions): Promise<void> {
    const id = toDbId(userId, 'userId');
    const encoded = await hashPassword(checkPassword(password));
    const result = await this.session.execute('users.setPassword', 'lwt', this.q.passwordSet, [encoded, id], options?.signal);
    if (!applied(result)) throw new EntityNotFoundError('user', userId);
  }

  async verifyPassword(userId: string, password: string, options?: StoreCallOptions): Promise<boolean> {
    const result = await this.session.execute('users.verifyPassword', 'read', this.q.passwordGet, [toDbId(userId, 'userId')], options?.signal);
    const encoded = textOrNull(result.first()?.get('password_hash'));
    if (encoded === null || typeof password !== 'string') return false;
    return verifyPassword(password, encoded);
  }

  // ---- tokens -------------------------------------------------------------

  async addToken(userId: string, token: string, kind: TokenKind, options?: StoreCallOptions): Promise<void> {
    const signal = options?.signal;
    const id = toDbId(userId, 'userId');
    const hash = hashToken(checkToken(token));
    checkTokenKind(kind);
    if (!(await this.readUser(id, signal))) throw new EntityNotFoundError('user', userId);
    const result = await this.session.execute('users.addToken', 'lwt', this.q.tokenPut, [hash, id, kind, new Date()], signal);
    if (!applied(result)) throw new DuplicateEntityError('token', '(hidden)');
    await this.session.execute('users.addToken', 'write', this.q.tokenIndexPut, [id, hash, kind], signal);
  }

  async findToken(token: string, options?: StoreCallOptions): Promise<StoredToken | undefined> {
    if (typeof token !== 'string' || token.length === 0) return undefined;
    const row = (await this.session.execute('users.findToken', 'read', this.q.tokenGet, [hashToken(token)], options?.signal)).first();
    return row ? { userId: idText(row.get('user_id')), kind: row.get('kind') as TokenKind, createdAt: row.get('created_at') as Date } : undefined;
  }

  async revokeToken(token: string, options?: StoreCallOptions): Promise<boolean> {
    const signal = options?.signal;
    const hash = hashToken(checkToken(token));
    const row = (await this.session.execute('users.revokeToken', 'read', this.q.tokenGet, [hash], signal)).first();
    if (!row) return false;
    await this.session.execute('users.revokeToken', 'write', this.q.tokenDel, [hash], signal);
    await this.session.execute('users.revokeToken', 'write', this.q.tokenIndexDel, [row.get('user_id'), hash], signal);
    return true;
  }

  async revokeTokens(userId: string, kind?: TokenKind, options?: StoreCallOptions): Promise<number> {
    const signal = options?.signal;
    const id = toDbId(userId, 'userId');
    if (kind !== undefined) checkTokenKind(kind);
    const rows = await this.session.readAll('users.revokeTokens', this.q.tokenIndexGet, [id], signal);
    const doomed = rows.filter((row) => kind === undefined || row.get('kind') === kind).map((row) => row.get('token_hash') as string);
    await Promise.all(
      doomed.map(async (hash) => {
        await this.session.execute('users.revokeTokens', 'write', this.q.tokenDel, [hash], signal);
        await this.session.execute('users.revokeTokens', 'write', this.q.tokenIndexDel, [id, hash], signal);
      }),
    );
    return doomed.length;
  }

  // ---- applications -------------------------------------------------------

  async createApplication(application: NewApplication, options?: StoreCallOptions): Promise<StoredApplication> {
    const signal = options?.signal;
    const full = completeApplication(application);
    const id = BigInt(full.id);
    const owner = BigInt(full.ownerId);
    const bot = toDbIdOrNull(full.botUserId, 'botUserId');
    if (!(await this.readUser(owner, signal))) throw new EntityNotFoundError('user', full.ownerId);
    if (bot !== null) await this.claimBot(bot, id, signal);
    const params = [id, full.name, full.description, owner, bot, full.botPublic, full.botRequireCodeGrant, full.flags];
    if (!applied(await this.session.execute('users.createApplication', 'lwt', this.q.appPut, params, signal))) {
      if (bot !== null) await this.release(this.q.botRelease, bot, id);
      throw new DuplicateEntityError('application', full.id);
    }
    await this.session.execute('users.createApplication', 'write', this.q.ownerIndexPut, [owner, id], signal);
    return full;
  }

  async getApplication(applicationId: string, options?: StoreCallOptions): Promise<StoredApplication | undefined> {
    return this.readApplication(toDbId(applicationId, 'applicationId'), options?.signal);
  }

  async getApplicationByBotUser(botUserId: string, options?: StoreCallOptions): Promise<StoredApplication | undefined> {
    const bot = toDbId(botUserId, 'botUserId');
    const row = (await this.session.execute('users.getApplicationByBotUser', 'read', this.q.botGet, [bot], options?.signal)).first();
    if (!row) return undefined;
    const app = await this.readApplication(row.get('application_id') as bigint, options?.signal);
    return app && app.botUserId === botUserId ? app : undefined;
  }

  async listApplicationsByOwner(ownerId: string, options?: StoreCallOptions): Promise<StoredApplication[]> {
    const owner = toDbId(ownerId, 'ownerId');
    const rows = await this.session.readAll('users.listApplicationsByOwner', this.q.ownerIndexGet, [owner], options?.signal);
    const apps = await Promise.all(rows.map((row) => this.readApplication(row.get('application_id') as bigint, options?.signal)));
    return apps.filter((a): a is StoredApplication => a !== undefined && a.ownerId === ownerId);
  }

  async updateApplication(applicationId: string, patch: ApplicationPatch, options?: StoreCallOptions): Promise<StoredApplication> {
    const signal = options?.signal;
    const id = toDbId(applicationId, 'applicationId');
    const current = await this.readApplication(id, signal);
    if (!current) throw new EntityNotFoundError('application', applicationId);
    const next = completeApplication(applyPatch<StoredApplication>(current, patch));
    const newBot = toDbIdOrNull(next.botUserId, 'botUserId');
    const changedBot = next.botUserId !== current.botUserId;
    if (changedBot && newBot !== null) {
      if (!(await this.readUser(newBot, signal))) throw new EntityNotFoundError('user', String(next.botUserId));
      await this.claimBot(newBot, id, signal);
    }
    const params = [patch.name, patch.description, patch.botUserId === undefined ? undefined : newBot, patch.botPublic, patch.botRequireCodeGrant, patch.flags, id];
    if (!applied(await this.session.execute('users.updateApplication', 'lwt', this.q.appSet, params, signal))) {
      if (changedBot && newBot !== null) await this.release(this.q.botRelease, newBot, id);
      throw new EntityNotFoundError('application', applicationId);
    }
    if (changedBot && current.botUserId !== null) await this.release(this.q.botRelease, BigInt(current.botUserId), id);
    return (await this.readApplication(id, signal)) ?? next;
  }

  async close(): Promise<void> {
    // The connection is shared by every port; the Store returned by openStore closes it.
  }

  // ---- helpers ------------------------------------------------------------

  private async readUser(id: bigint, signal?: AbortSignal): Promise<StoredUser | undefined> {
    const row = (await this.session.execute('users.getUser', 'read', this.q.userGet, [id], signal)).first();
    return row ? toUser(row) : undefined;
  }

  private async readApplication(id: bigint, signal?: AbortSignal): Promise<StoredApplication | undefined> {
    const row = (await this.session.execute('users.getApplication', 'read', this.q.appGet, [id], signal)).first();
    return row ? toApplication(row) : undefined;
  }

  private async lookup(query: string, key: string, signal?: AbortSignal): Promise<StoredUser | undefined> {
    const row = (await this.session.execute('users.lookup', 'read', query, [key], signal)).first();
    return row ? this.readUser(row.get('user_id') as bigint, signal) : undefined;
  }

  private async claim(query: string, key: string, owner: bigint, signal?: AbortSignal): Promise<boolean> {
    const result = await this.session.execute('users.claim', 'lwt', query, [key, owner], signal);
    if (applied(result)) return true;
    // Ours already (a retried create or update): still a success.
    return (result.first()?.get('user_id') as bigint | undefined) === owner;
  }

  private async claimBot(bot: bigint, app: bigint, signal?: AbortSignal): Promise<void> {
    const result = await this.session.execute('users.claimBot', 'lwt', this.q.botClaim, [bot, app], signal);
    if (!applied(result) && (result.first()?.get('application_id') as bigint | undefined) !== app) {
      throw new DuplicateEntityError('bot user', bot.toString());
    }
  }

  /** Best-effort release of a claim (never with the caller's signal: cleanup must run). */
  private async release(query: string, key: string | bigint, owner: bigint): Promise<void> {
    await this.session.execute('users.release', 'lwt', query, [key, owner]).catch(() => undefined);
  }
}
