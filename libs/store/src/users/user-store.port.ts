/**
 * The users port: accounts, their secrets and bot applications. Secrets go in
 * as plain text and are stored only as hashes: passwords with scrypt, tokens
 * with SHA-256 (the hash is the lookup key). The store never returns a secret.
 */
import type { StoreCallOptions } from '../messages/message-store.port';

/** A user as Discord shows it, plus the login email. `createdAt` is derived from the id. */
export interface StoredUser {
  id: string;
  username: string;
  /** "0" for unique usernames (Discord's current scheme), "0001".."9999" for bots and legacy tags. */
  discriminator: string;
  globalName: string | null;
  avatar: string | null;
  bot: boolean;
  /** Public flags bitfield. */
  flags: number;
  /** Login email; null for bots. Unique, compared case-insensitively. */
  email: string | null;
  createdAt: Date;
}

/** What a user create needs. */
export type NewUser = Pick<StoredUser, 'id' | 'username'> & Partial<Pick<StoredUser, 'discriminator' | 'globalName' | 'avatar' | 'bot' | 'flags' | 'email'>>;

/** User fields an update may change. */
export type UserPatch = Partial<Pick<StoredUser, 'username' | 'discriminator' | 'globalName' | 'avatar' | 'flags' | 'email'>>;

/** What a token authenticates as. */
export type TokenKind = 'user' | 'bot';

/** A token's record, found by the token itself (through its hash). */
export interface StoredToken {
  userId: string;
  kind: TokenKind;
  createdAt: Date;
}

/** A bot application: its owner and (once created) its bot user. */
export interface StoredApplication {
  id: string;
  name: string;
  description: string;
  ownerId: string;
  botUserId: string | null;
  botPublic: boolean;
  botRequireCodeGrant: boolean;
  /** Application flags (e.g. GATEWAY_GUILD_MEMBERS 1 << 14, GATEWAY_MESSAGE_CONTENT 1 << 18). */
  flags: number;
  createdAt: Date;
}

/** What an application create needs. */
export type NewApplication = Pick<StoredApplication, 'id' | 'name' | 'ownerId'> & Partial<Pick<StoredApplication, 'description' | 'botUserId' | 'botPublic' | 'botRequireCodeGrant' | 'flags'>>;

/** Application fields an update may change. */
export type ApplicationPatch = Partial<Pick<StoredApplication, 'name' | 'description' | 'botUserId' | 'botPublic' | 'botRequireCodeGrant' | 'flags'>>;

/** The users port. */
export interface UserStore {
  /** Creates a user. Duplicate id, (username, discriminator) or email -> ConflictError. */
  createUser(user: NewUser, options?: StoreCallOptions): Promise<StoredUser>;
  /** One user, or undefined. */
  getUser(userId: string, options?: StoreCallOptions): Promise<StoredUser | undefined>;
  /** Several users; missing ids are left out; order follows `userIds`. */
  getUsers(userIds: readonly string[], options?: StoreCallOptions): Promise<StoredUser[]>;
  /** By username (case-insensitive) and discriminator (default "0"), or undefined. */
  getUserByUsername(username: string, discriminator?: string, options?: StoreCallOptions): Promise<StoredUser | undefined>;
  /** By email (case-insensitive), or undefined. */
  getUserByEmail(email: string, options?: StoreCallOptions): Promise<StoredUser | undefined>;
  /** Applies a patch; NotFoundError when unknown; a taken username or email -> ConflictError. */
  updateUser(userId: string, patch: UserPatch, options?: StoreCallOptions): Promise<StoredUser>;

  /** Hashes (scrypt, random salt) and stores the password; NotFoundError for an unknown user. */
  setPassword(userId: string, password: string, options?: StoreCallOptions): Promise<void>;
  /** True when the user has a password and `password` matches it (constant-time compare). */
  verifyPassword(userId: string, password: string, options?: StoreCallOptions): Promise<boolean>;

  /** Stores a token's SHA-256 hash for the user; NotFoundError for an unknown user, ConflictError if the token is already stored. */
  addToken(userId: string, token: string, kind: TokenKind, options?: StoreCallOptions): Promise<void>;
  /** Looks a token up by its hash; undefined when unknown or revoked. */
  findToken(token: string, options?: StoreCallOptions): Promise<StoredToken | undefined>;
  /** Revokes one token; false when it was not stored. */
  revokeToken(token: string, options?: StoreCallOptions): Promise<boolean>;
  /** Revokes every token of a user (of one kind when given); returns how many. */
  revokeTokens(userId: string, kind?: TokenKind, options?: StoreCallOptions): Promise<number>;

  /** Creates an application. Duplicate id -> ConflictError; unknown owner -> NotFoundError. */
  createApplication(application: NewApplication, options?: StoreCallOptions): Promise<StoredApplication>;
  /** One application, or undefined. */
  getApplication(applicationId: string, options?: StoreCallOptions): Promise<StoredApplication | undefined>;
  /** The application whose bot user this is, or undefined. */
  getApplicationByBotUser(botUserId: string, options?: StoreCallOptions): Promise<StoredApplication | undefined>;
  /** Applications owned by a user, ordered by id. */
  listApplicationsByOwner(ownerId: string, options?: StoreCallOptions): Promise<StoredApplication[]>;
  /** Applies a patch; NotFoundError when unknown; a bot user already used by another application -> ConflictError. */
  updateApplication(applicationId: string, patch: ApplicationPatch, options?: StoreCallOptions): Promise<StoredApplication>;

  /** Releases connections (a no-op when the store shares them). */
  close(): Promise<void>;
}
