import { CancelledError, InvalidArgumentError, NotFoundError } from '@chat/errors';

/**
 * Thrown when a request field is malformed or out of range (a bad snowflake,
 * a limit outside 1..100, too many ids). gRPC INVALID_ARGUMENT; the message
 * and `details.field` name the field. Discord code 50035 (Invalid Form Body).
 */
export class InvalidFieldError extends InvalidArgumentError {
  constructor(
    /** The request field, as in the proto (`limit`, `message_ids[3]`). */
    readonly field: string,
    /** What was wrong. */
    readonly reason: string,
  ) {
    super(`${field}: ${reason}`, { details: { field, discordCode: 50035 } });
  }
}

/**
 * Thrown when `content` is longer than 2000 characters (Unicode code points,
 * as Discord counts). gRPC INVALID_ARGUMENT naming `content`.
 */
export class ContentTooLongError extends InvalidFieldError {
  constructor(
    /** Code points in the content given. */
    readonly length: number,
    /** The limit (2000). */
    readonly max: number,
  ) {
    super('content', `must be at most ${max} characters, got ${length}`);
  }
}

/**
 * Thrown by CreateMessage when the message has no content (or only
 * whitespace), no attachments and no embeds. gRPC INVALID_ARGUMENT; Discord
 * code 50006 (Cannot send an empty message).
 */
export class EmptyMessageError extends InvalidArgumentError {
  constructor() {
    super('cannot send an empty message: give content, attachments or embeds', { details: { field: 'content', discordCode: 50006 } });
  }
}

/** Thrown when the channel of a request does not exist. gRPC NOT_FOUND; Discord code 10003 (Unknown Channel). */
export class UnknownChannelError extends NotFoundError {
  constructor(
    /** The channel asked for. */
    readonly channelId: string,
  ) {
    super(`unknown channel ${channelId}`, { details: { channelId, discordCode: 10003 } });
  }
}

/** Thrown when the message of a request does not exist in its channel. gRPC NOT_FOUND; Discord code 10008 (Unknown Message). */
export class UnknownMessageError extends NotFoundError {
  constructor(
    /** Its channel. */
    readonly channelId: string,
    /** The message asked for. */
    readonly messageId: string,
  ) {
    super(`unknown message ${messageId} in channel ${channelId}`, { details: { channelId, messageId, discordCode: 10008 } });
  }
}

/** Thrown by MemoryMessageStore when the caller's signal fired before or during a query (its result is dropped). gRPC CANCELLED. */
export class StoreQueryCancelledError extends CancelledError {
  constructor(
    /** The store operation abandoned. */
    readonly operation: string,
    options: { cause?: unknown } = {},
  ) {
    super(`store ${operation} was cancelled`, { ...options, details: { operation } });
  }
}
