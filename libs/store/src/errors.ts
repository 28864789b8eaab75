/**
 * Named errors of the store lib. Each extends a class of @chat/errors, so the
 * gRPC and REST boundaries map them by kind; each carries typed fields so a
 * caller can react without parsing the message.
 */
import {
  CancelledError,
  ConflictError,
  InternalError,
  InvalidArgumentError,
  NotFoundError,
  UnavailableError,
} from '@chat/errors';

/** Thrown by `MessageStore.edit` when the message does not exist in that channel. */
export class MessageNotFoundError extends NotFoundError {
  constructor(
    /** Channel that was searched. */
    readonly channelId: string,
    /** Message that was not found. */
    readonly messageId: string,
  ) {
    super(`unknown message ${messageId} in channel ${channelId}`, { details: { channelId, messageId } });
  }
}

/** Thrown by an update or a child write (a member of an unknown guild, an edit of an unknown role) when the thing addressed does not exist. */
export class EntityNotFoundError extends NotFoundError {
  constructor(
    /** Kind of entity: "guild", "channel", "role", "member", "user", "application", "invite". */
    readonly entity: string,
    /** Its key as text (an id, "guildId/userId", an invite code). */
    readonly key: string,
  ) {
    super(`unknown ${entity} ${key}`, { details: { entity, key } });
  }
}

/** Thrown by a create when the key (or a unique field such as a username or an invite code) is already taken. */
export class DuplicateEntityError extends ConflictError {
  constructor(
    /** Kind of entity. */
    readonly entity: string,
    /** The key or unique value that is taken. */
    readonly key: string,
    options: { cause?: unknown } = {},
  ) {
    super(`${entity} ${key} already exists`, { ...options, details: { entity, key } });
  }
}

/** Thrown by `GuildStore.useInvite` when the invite exists but has expired or used up its `maxUses` (Discord answers Unknown Invite). */
export class InviteUnusableError extends NotFoundError {
  constructor(
    /** The invite code. */
    readonly code: string,
    /** Why it cannot be used. */
    readonly reason: 'expired' | 'exhausted',
  ) {
    super(`invite ${code} is ${reason}`, { details: { code, reason } });
  }
}

/** Thrown when an argument is malformed: a bad snowflake, a limit outside 1..100, two history anchors, an id at or past 2^63. */
export class InvalidStoreArgumentError extends InvalidArgumentError {
  constructor(
    /** The argument or field that was wrong. */
    readonly argument: string,
    /** The value that was given. */
    readonly value: unknown,
    /** What was expected. */
    readonly expected: string,
  ) {
    super(`${argument} must be ${expected}, got ${safeJson(value)}`, { details: { argument, expected } });
  }
}

/** Thrown when the database cannot be reached or refuses the query (no host available, timeout, overloaded node). Retrying later may work. */
export class StoreUnavailableError extends UnavailableError {
  constructor(
    /** "sqlite" or "scylla". */
    readonly backend: string,
    /** The store operation that failed, e.g. "messages.history". */
    readonly operation: string,
    options: { cause?: unknown } = {},
  ) {
    super(`${backend} store unavailable during ${operation}`, { ...options, details: { backend, operation } });
  }
}

/** Thrown when the caller's AbortSignal fired before the store call finished; its result, if any, is dropped. */
export class StoreCancelledError extends CancelledError {
  constructor(
    /** The store operation that was abandoned. */
    readonly operation: string,
    options: { cause?: unknown } = {},
  ) {
    super(`${operation} was cancelled`, { ...options, details: { operation } });
  }
}

/** Thrown by the schema migrators when a migration file is malformed or a statement of it fails. */
export class SchemaMigrationError extends InternalError {
  constructor(
    /** Migration version (e.g. 3) or file name that failed. */
    readonly migration: string,
    reason: string,
    options: { cause?: unknown } = {},
  ) {
    super(`migration ${migration} failed: ${reason}`, { ...options, details: { migration } });
  }
}

/** Thrown by `openStore` when the configuration names an unknown backend or lacks what the backend needs. */
export class StoreConfigError extends InvalidArgumentError {
  constructor(
    /** The offending option. */
    readonly option: string,
    reason: string,
  ) {
    super(`store option ${option} ${reason}`, { details: { option } });
  }
}

function safeJson(value: unknown): string {
  try {
    return typeof value === 'bigint' ? value.toString() : (JSON.stringify(value) ?? String(value));
  } catch {
    return String(value);
  }
}
