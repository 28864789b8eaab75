/**
 * UserStore on SQLite. Unique usernames and emails are UNIQUE columns of
 * lowercased keys; passwords are stored as scrypt strings and tokens as their
 * SHA-256 (the tokens table is keyed by it).
 */
import { dateOf } from '@chat/snowflake';
import type Database from 'better-sqlite3';
import { throwIfAborted } from '../cancellation';
import { hashPassword, verifyPassword } from '../credentials/password-hash';
import { hashToken } from '../credentials/token-hash';
import { DuplicateEntityError, EntityNotFoundError } from '../errors';
import { toDbId } from '../ids';
import type { StoreCallOptions } from '../messages/message-store.port';
import { applyPatch } from '../guilds/guild-records';
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
import type { SqliteDatabase } from './sqlite-database';
import { isForeignKeyViolation, isUniqueViolation, rethrowSqlite } from './sqlite-errors';
import { bool, date, flag, idText, idTextOrNull, int, type SqliteRow } from './sqlite-values';

type Statement = Database.Statement<unknown[]>;

function toUser(row: SqliteRow): StoredUser {
  const id = idText(row.id);
  return {
    id,
    username: row.username as string,
    discriminator: row.discriminator as string,
    globalName: (row.global_name as string | null) ?? null,
    avatar: (row.avatar as string | null) ?? null,
    bot: bool(row.bot),
    flags: int(row.flags),
    email: (row.email as string | null) ?? null,
    createdAt: dateOf(id),
  };
}

function toApplication(row: SqliteRow): StoredApplication {
  const id = idText(row.id);
  return {
    id,
    name: row.name as string,
    description: row.description as string,
    ownerId: idText(row.owner_id),
    botUserId: idTextOrNull(row.bot_user_id),
    botPublic: bool(row.bot_public),
    botRequireCodeGrant: bool(row.bot_require_code_grant),
    flags: int(row.flags),
    createdAt: dateOf(id),
  };
}

function userParams(u: StoredUser) {
  return {
    id: BigInt(u.id),
    username: u.username,
    discriminator: u.discriminator,
    global_name: u.globalName,
    avatar: u.avatar,
    bot: flag(u.bot),
    flags: u.flags,
    email: u.email,
    tag_key: tagKey(u.username, u.discriminator),
    email_key: emailKey(u.email),
  };
}

function applicationParams(a: StoredApplication) {
  return {
    id: BigInt(a.id),
    name: a.name,
    description: a.description,
    owner_id: BigInt(a.ownerId),
    bot_user_id: a.botUserId === null ? null : toDbId(a.botUserId, 'botUserId'),
    bot_public: flag(a.botPublic),
    bot_require_code_grant: flag(a.botRequireCodeGrant),
    flags: a.flags,
  };
}

/** Which unique key a UNIQUE violation on users hit, from SQLite's message. */
function userConflict(error: unknown, user: StoredUser): DuplicateEntityError {
  const text = (error as Error).message;
  if (text.includes('tag_key')) return new DuplicateEntityError('username', `${user.username}#${user.discriminator}`, { cause: error });
  if (text.includes('email_key')) return new DuplicateEntityError('email', String(user.email), { cause: error });
  return new DuplicateEntityError('user', user.id, { cause: error });
}

/** The SQLite users adapter. Shares the connection it is given. */
export class SqliteUserStore implements UserStore {
  private readonly s: Record<string, Statement>;

  constructor(private readonly db: SqliteDatabase) {
    const p = (sql: string) => db.prepare<unknown[]>(sql);
    this.s = {
      userPut: p(`INSERT INTO users (id, username, discriminator, global_name, avatar, bot, flags, email, tag_key, email_key)
        VALUES (@id, @username, @discriminator, @global_name, @avatar, @bot, @flags, @email, @tag_key, @email_key)`),
      userSet: p(`UPDATE users SET username = @username, discriminator = @discriminator, global_name = @global_name,
        avatar = @avatar, flags = @flags, email = @email, tag_key = @tag_key, email_key = @email_key WHERE id = @id`),
      userGet: p('SELECT * FROM users WHERE id = ?'),
      userByTag: p('SELECT * FROM users WHERE tag_key = ?'),
      userByEmail: p('SELECT * FROM users WHERE email_key = ?'),
      passwordSet: p('UPDATE users SET password_hash = ? WHERE id = ?'),
      passwordGet: p('SELECT password_hash FROM users WHERE id = ?').pluck(),
      tokenPut: p('INSERT INTO tokens (token_hash, user_id, kind, created_at) VALUES (?, ?, ?, ?)'),
      tokenGet: p('SELECT * FROM tokens WHERE token_hash = ?'),
      tokenDel: p('DELETE FROM tokens WHERE token_hash = ?'),
      tokensDel: p('DELETE FROM tokens WHERE user_id = ?'),
      tokensDelKind: p('DELETE FROM tokens WHERE user_id = ? AND kind = ?'),
      appPut: p(`INSERT INTO applications (id, name, description, owner_id, bot_user_id, bot_public, bot_require_code_grant, flags)
        VALUES (@id, @name, @description, @owner_id, @bot_user_id, @bot_public, @bot_require_code_grant, @flags)`),
      appSet: p(`UPDATE applications SET name = @name, description = @description, bot_user_id = @bot_user_id,
        bot_public = @bot_public, bot_require_code_grant = @bot_require_code_grant, flags = @flags WHERE id = @id`),
      appGet: p('SELECT * FROM applications WHERE id = ?'),
      appByBot: p('SELECT * FROM applications WHERE bot_user_id = ?'),
      appsByOwner: p('SELECT * FROM applications WHERE owner_id = ? ORDER BY id'),
    };
  }

  async createUser(user: NewUser, options?: StoreCallOptions): Promise<StoredUser> {
    throwIfAborted(options?.signal, 'users.createUser');
    const full = completeUser(user);
    try {
      this.s.userPut!.run(userParams(full));
    } catch (error) {
      if (isUniqueViolation(error)) throw userConflict(error, full);
      rethrowSqlite(error, 'users.createUser');
    }
    return full;
  }

  async getUser(userId: string, options?: StoreCallOptions): Promise<StoredUser | undefined> {
    throwIfAborted(options?.signal, 'users.getUser');
    const row = this.s.userGet!.get(toDbId(userId, 'userId')) as SqliteRow | undefined;
    return row && toUser(row);
  }

  async getUsers(userIds: readonly string[], options?: StoreCallOptions): Promise<StoredUser[]> {
    throwIfAborted(options?.signal, 'users.getUsers');
    return userIds.flatMap((id) => {
      const row = this.s.userGet!.get(toDbId(id, 'userIds')) as SqliteRow | undefined;
      return row ? [toUser(row)] : [];
    });
  }

  async getUserByUsername(username: string, discriminator = '0', options?: StoreCallOptions): Promise<StoredUser | undefined> {
    throwIfAborted(options?.signal, 'users.getUserByUsername');
    const row = this.s.userByTag!.get(tagKey(username, discriminator)) as SqliteRow | undefined;
    return row && toUser(row);
  }

  async getUserByEmail(email: string, options?: StoreCallOptions): Promise<StoredUser | undefined> {
    throwIfAborted(options?.signal, 'users.getUserByEmail');
    const row = this.s.userByEmail!.get(emailKey(email)) as SqliteRow | undefined;
    return row && toUser(row);
  }

  async updateUser(userId: string, patch: UserPatch, options?: StoreCallOptions): Promise<StoredUser> {
    throwIfAborted(options?.signal, 'users.updateUser');
    return this.db.transaction(() => {
      const row = this.s.userGet!.get(toDbId(userId, 'userId')) as SqliteRow | undefined;
      if (!row) throw new EntityNotFoundError('user', userId);
      const next = applyPatch<StoredUser>(toUser(row), patch);
      checkUser(next);
      try {
        this.s.userSet!.run(userParams(next));
      } catch (error) {
        if (isUniqueViolation(error)) throw userConflict(error, next);
        rethrowSqlite(error, 'users.updateUser');
      }
      return next;
    })();
  }

  async setPassword(userId: string, password: string, options?: StoreCallOptions): Promise<void> {
    const id = toDbId(userId, 'userId');
    const encoded = await hashPassword(checkPassword(password));
    throwIfAborted(options?.signal, 'users.setPassword');
    if (this.s.passwordSet!.run(encoded, id).changes === 0) throw new EntityNotFoundError('user', userId);
  }

  async verifyPassword(userId: string, password: string, options?: StoreCallOptions): Promise<boolean> {
    throwIfAborted(options?.signal, 'users.verifyPassword');
    const encoded = this.s.passwordGet!.get(toDbId(userId, 'userId')) as string | null | undefined;
    if (typeof encoded !== 'string' || typeof password !== 'string') return false;
    return verifyPassword(password, encoded);
  }

  async addToken(userId: string, token: string, kind: TokenKind, options?: StoreCallOptions): Promise<void> {
    throwIfAborted(options?.signal, 'users.addToken');
    const id = toDbId(userId, 'userId');
    try {
      this.s.tokenPut!.run(hashToken(checkToken(token)), id, checkTokenKind(kind), Date.now());
    } catch (error) {
      if (isForeignKeyViolation(error)) throw new EntityNotFoundError('user', userId);
      rethrowSqlite(error, 'users.addToken', { entity: 'token', key: '(hidden)' });
    }
  }

  async findToken(token: string, options?: StoreCallOptions): Promise<StoredToken | undefined> {
    throwIfAborted(options?.signal, 'users.findToken');
    if (typeof token !== 'string' || token.length === 0) return undefined;
    const row = this.s.tokenGet!.get(hashToken(token)) as SqliteRow | undefined;
    return row && { userId: idText(row.user_id), kind: row.kind as TokenKind, createdAt: date(row.created_at) };
  }

  async revokeToken(token: string, options?: StoreCallOptions): Promise<boolean> {
    throwIfAborted(options?.signal, 'users.revokeToken');
    return this.s.tokenDel!.run(hashToken(checkToken(token))).changes > 0;
  }

  async revokeTokens(userId: string, kind?: TokenKind, options?: StoreCallOptions): Promise<number> {
    throwIfAborted(options?.signal, 'users.revokeTokens');
    const id = toDbId(userId, 'userId');
    return kind === undefined ? this.s.tokensDel!.run(id).changes : this.s.tokensDelKind!.run(id, checkTokenKind(kind)).changes;
  }

  async createApplication(application: NewApplication, options?: StoreCallOptions): Promise<StoredApplication> {
    throwIfAborted(options?.signal, 'users.createApplication');
    const full = completeApplication(application);
    try {
      this.s.appPut!.run(applicationParams(full));
    } catch (error) {
      if (isForeignKeyViolation(error)) throw new EntityNotFoundError('user', `${full.ownerId} or ${full.botUserId}`);
      if (isUniqueViolation(error) && (error as Error).message.includes('bot_user_id')) {
        throw new DuplicateEntityError('bot user', String(full.botUserId), { cause: error });
      }
      rethrowSqlite(error, 'users.createApplication', { entity: 'application', key: full.id });
    }
    return full;
  }

  async getApplication(applicationId: string, options?: StoreCallOptions): Promise<StoredApplication | undefined> {
    throwIfAborted(options?.signal, 'users.getApplication');
    const row = this.s.appGet!.get(toDbId(applicationId, 'applicationId')) as SqliteRow | undefined;
    return row && toApplication(row);
  }

  async getApplicationByBotUser(botUserId: string, options?: StoreCallOptions): Promise<StoredApplication | undefined> {
    throwIfAborted(options?.signal, 'users.getApplicationByBotUser');
    const row = this.s.appByBot!.get(toDbId(botUserId, 'botUserId')) as SqliteRow | undefined;
    return row && toApplication(row);
  }

  async listApplicationsByOwner(ownerId: string, options?: StoreCallOptions): Promise<StoredApplication[]> {
    throwIfAborted(options?.signal, 'users.listApplicationsByOwner');
    return (this.s.appsByOwner!.all(toDbId(ownerId, 'ownerId')) as SqliteRow[]).map(toApplication);
  }

  async updateApplication(applicationId: string, patch: ApplicationPatch, options?: StoreCallOptions): Promise<StoredApplication> {
    throwIfAborted(options?.signal, 'users.updateApplication');
    return this.db.transaction(() => {
      const row = this.s.appGet!.get(toDbId(applicationId, 'applicationId')) as SqliteRow | undefined;
      if (!row) throw new EntityNotFoundError('application', applicationId);
      const next = completeApplication(applyPatch<StoredApplication>(toApplication(row), patch));
      try {
        this.s.appSet!.run(applicationParams(next));
      } catch (error) {
        if (isForeignKeyViolation(error)) throw new EntityNotFoundError('user', String(next.botUserId));
        rethrowSqlite(error, 'users.updateApplication', { entity: 'bot user', key: String(next.botUserId) });
      }
      return next;
    })();
  }

  async close(): Promise<void> {
    // The connection is shared by every port; the Store returned by openStore closes it.
  }
}
