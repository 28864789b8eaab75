/**
 * Shared by both user adapters: defaults, checks and the unique keys
 * (case-insensitive username tag and email).
 */
import { dateOf } from '@chat/snowflake';
import { InvalidStoreArgumentError } from '../errors';
import { toDbId, toDbIdOrNull } from '../ids';
import type { NewApplication, NewUser, StoredApplication, StoredUser, TokenKind } from './user-store.port';

const DISCRIMINATOR = /^(0|[0-9]{4})$/;
const EMAIL = /^[^\s@]+@[^\s@]+$/;

/** A user create with defaults filled in and fields checked. */
export function completeUser(user: NewUser): StoredUser {
  toDbId(user.id, 'id');
  const full: StoredUser = {
    id: user.id,
    username: user.username,
    discriminator: user.discriminator ?? '0',
    globalName: user.globalName ?? null,
    avatar: user.avatar ?? null,
    bot: user.bot ?? false,
    flags: user.flags ?? 0,
    email: user.email ?? null,
    createdAt: dateOf(user.id),
  };
  checkUser(full);
  return full;
}

/**
 * @throws {InvalidStoreArgumentError} for a username outside 2..32 characters, a bad discriminator or email.
 */
export function checkUser(user: StoredUser): void {
  if (typeof user.username !== 'string' || user.username.trim().length < 2 || user.username.length > 32) {
    throw new InvalidStoreArgumentError('username', user.username, '2..32 characters');
  }
  if (!DISCRIMINATOR.test(user.discriminator)) throw new InvalidStoreArgumentError('discriminator', user.discriminator, '"0" or four digits');
  if (user.email !== null && (!EMAIL.test(user.email) || user.email.length > 254)) throw new InvalidStoreArgumentError('email', user.email, 'an email address');
  if (!Number.isInteger(user.flags) || user.flags < 0) throw new InvalidStoreArgumentError('flags', user.flags, 'an integer >= 0');
}

/** The unique key of a username: lowercased name, '#', discriminator. */
export function tagKey(username: string, discriminator: string): string {
  return `${username.toLowerCase()}#${discriminator}`;
}

/** The unique key of an email: lowercased. */
export function emailKey(email: string | null): string | null {
  return email === null ? null : email.toLowerCase();
}

/** @throws {InvalidStoreArgumentError} unless kind is 'user' or 'bot'. */
export function checkTokenKind(kind: TokenKind): TokenKind {
  if (kind !== 'user' && kind !== 'bot') throw new InvalidStoreArgumentError('kind', kind, "'user' or 'bot'");
  return kind;
}

/** @throws {InvalidStoreArgumentError} for an empty token or one over 512 characters. */
export function checkToken(token: string): string {
  if (typeof token !== 'string' || token.length === 0 || token.length > 512) throw new InvalidStoreArgumentError('token', '(hidden)', '1..512 characters');
  return token;
}

/** @throws {InvalidStoreArgumentError} for an empty password or one over 1024 characters. */
export function checkPassword(password: string): string {
  if (typeof password !== 'string' || password.length === 0 || password.length > 1024) throw new InvalidStoreArgumentError('password', '(hidden)', '1..1024 characters');
  return password;
}

/** An application create with defaults filled in. */
export function completeApplication(application: NewApplication): StoredApplication {
  toDbId(application.id, 'id');
  toDbId(application.ownerId, 'ownerId');
  toDbIdOrNull(application.botUserId, 'botUserId');
  if (typeof application.name !== 'string' || application.name.length < 2 || application.name.length > 32) {
    throw new InvalidStoreArgumentError('name', application.name, '2..32 characters');
  }
  return {
    id: application.id,
    name: application.name,
    description: application.description ?? '',
    ownerId: application.ownerId,
    botUserId: application.botUserId ?? null,
    botPublic: application.botPublic ?? true,
    botRequireCodeGrant: application.botRequireCodeGrant ?? false,
    flags: application.flags ?? 0,
    createdAt: dateOf(application.id),
  };
}
