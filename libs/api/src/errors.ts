/**
 * REST errors: Discord's JSON error body `{code, message, errors?}` with its
 * HTTP status. Route handlers throw {@link RestError}; `toRestError` maps
 * anything else (errors of @chat/errors kinds, the store's named errors) to
 * one, never leaking internals for a client's bad input.
 */
import { ChatError } from '@chat/errors';

/** One field error in Discord's `errors` tree. */
export interface FieldError {
  code: string;
  message: string;
}

/** Discord's nested `errors` object: keys are field names or array indexes; leaves hold `_errors`. */
export interface ErrorTree {
  [key: string]: ErrorTree | FieldError[] | undefined;
  _errors?: FieldError[];
}

/** Thrown by route handlers for any answer that is not a success; becomes Discord's error body. */
export class RestError extends Error {
  constructor(
    /** HTTP status. */
    readonly status: number,
    /** Discord JSON error code (0 for general errors). */
    readonly code: number,
    message: string,
    /** Field errors for 50035 Invalid Form Body. */
    readonly errors?: ErrorTree,
    options: { cause?: unknown } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'RestError';
  }

  /** The JSON body Discord sends. */
  toBody(): { code: number; message: string; errors?: ErrorTree; retry_after?: number; global?: boolean } {
    return this.errors ? { code: this.code, message: this.message, errors: this.errors } : { code: this.code, message: this.message };
  }
}

/** Discord's errors as factories, so every route answers them the same way. */
export const DiscordErrors = {
  notFound: () => new RestError(404, 0, '404: Not Found'),
  methodNotAllowed: () => new RestError(405, 0, '405: Method Not Allowed'),
  unauthorized: () => new RestError(401, 0, '401: Unauthorized'),
  unknownApplication: () => new RestError(404, 10002, 'Unknown Application'),
  unknownChannel: () => new RestError(404, 10003, 'Unknown Channel'),
  unknownGuild: () => new RestError(404, 10004, 'Unknown Guild'),
  unknownInvite: () => new RestError(404, 10006, 'Unknown Invite'),
  unknownMember: () => new RestError(404, 10007, 'Unknown Member'),
  unknownMessage: () => new RestError(404, 10008, 'Unknown Message'),
  unknownOverwrite: () => new RestError(404, 10009, 'Unknown Permission Overwrite'),
  unknownRole: () => new RestError(404, 10011, 'Unknown Role'),
  unknownUser: () => new RestError(404, 10013, 'Unknown User'),
  unknownEmoji: () => new RestError(404, 10014, 'Unknown Emoji'),
  unknownSticker: () => new RestError(404, 10060, 'Unknown Sticker'),
  unknownWebhook: () => new RestError(404, 10015, 'Unknown Webhook'),
  unknownInteraction: () => new RestError(404, 10062, 'Unknown interaction'),
  unknownCommand: () => new RestError(404, 10063, 'Unknown application command'),
  unknownCommandPermissions: () => new RestError(404, 10066, 'Unknown application command permissions'),
  maxPins: () => new RestError(400, 30003, 'Maximum number of pins reached for the channel (250)'),
  maxReactions: () => new RestError(400, 30010, 'Maximum number of reactions reached (20)'),
  maxCommands: () => new RestError(400, 30032, 'Maximum number of application commands reached'),
  maxWebhooks: () => new RestError(400, 30007, 'Maximum number of webhooks reached (15)'),
  interactionAcknowledged: () => new RestError(400, 40060, 'Interaction has already been acknowledged.'),
  invalidWebhookToken: () => new RestError(401, 50027, 'Invalid Webhook Token'),
  botsCannotUse: () => new RestError(403, 20001, 'Bots cannot use this endpoint'),
  onlyBotsCanUse: () => new RestError(403, 20002, 'Only bots can use this endpoint'),
  missingAccess: () => new RestError(403, 50001, 'Missing Access'),
  cannotExecuteOnDm: () => new RestError(400, 50003, 'Cannot execute action on a DM channel'),
  cannotEditOthersMessage: () => new RestError(403, 50005, 'Cannot edit a message authored by another user'),
  emptyMessage: () => new RestError(400, 50006, 'Cannot send an empty message'),
  nonTextChannel: () => new RestError(400, 50008, 'Cannot send messages in a non-text channel'),
  missingPermissions: () => new RestError(403, 50013, 'Missing Permissions'),
  targetNotInVoice: () => new RestError(400, 40032, 'Target user is not connected to voice.'),
  bulkDeleteCount: () => new RestError(400, 50016, 'Provided too few or too many messages to delete. Must provide at least 2 and fewer than 100 messages to delete.'),
  bulkDeleteTooOld: () => new RestError(400, 50034, 'You can only bulk delete messages that are under 14 days old.'),
  invalidJson: () => new RestError(400, 50109, 'The request body contains invalid JSON.'),
  entityTooLarge: () => new RestError(413, 40005, 'Request entity too large'),
  malformedMultipart: (why: string) => new RestError(400, 0, `400: Bad Request (malformed multipart body: ${why})`),
  payloadTooLarge: () => new RestError(413, 0, '413: Request Entity Too Large'),
  /** 50035 with one field error. */
  invalidField: (path: string, code: string, message: string) => invalidFormBody(treeFor([path], { code, message })),
} as const;

/** 400 50035 Invalid Form Body with the given `errors` tree. */
export function invalidFormBody(errors: ErrorTree): RestError {
  return new RestError(400, 50035, 'Invalid Form Body', errors);
}

/** A tree with one leaf error at `path` (e.g. ["embeds", 0, "title"]). */
export function treeFor(path: readonly (string | number)[], error: FieldError): ErrorTree {
  const root: ErrorTree = {};
  let node = root;
  for (const key of path) {
    const child: ErrorTree = {};
    node[String(key)] = child;
    node = child;
  }
  node._errors = [error];
  return root;
}

const ENTITY_ERRORS: Record<string, () => RestError> = {
  guild: DiscordErrors.unknownGuild,
  channel: DiscordErrors.unknownChannel,
  role: DiscordErrors.unknownRole,
  member: DiscordErrors.unknownMember,
  user: DiscordErrors.unknownUser,
  application: DiscordErrors.unknownApplication,
  invite: DiscordErrors.unknownInvite,
  message: DiscordErrors.unknownMessage,
};

/**
 * Maps any thrown value to a RestError. Our RestErrors pass through; errors
 * of @chat/errors map by kind (a not-found entity to its Unknown X code, an
 * invalid argument to 50035 on its field); anything else is a 500 with a
 * generic message (the caller logs the original).
 */
export function toRestError(error: unknown): RestError {
  if (error instanceof RestError) return error;
  if (!(error instanceof ChatError)) return new RestError(500, 0, '500: Internal Server Error', undefined, { cause: error });
  const details = error.details;
  switch (error.kind) {
    case 'not_found': {
      const entity = typeof details.entity === 'string' ? details.entity : 'messageId' in details ? 'message' : 'code' in details ? 'invite' : '';
      return (ENTITY_ERRORS[entity] ?? DiscordErrors.notFound)();
    }
    case 'invalid': {
      const field = typeof details.argument === 'string' ? details.argument : typeof details.field === 'string' ? details.field : '_';
      return invalidFormBody(treeFor(field.split('.'), { code: 'BASE_TYPE_INVALID', message: error.message }));
    }
    case 'forbidden':
      return DiscordErrors.missingPermissions();
    case 'unauthenticated':
      return DiscordErrors.unauthorized();
    case 'conflict': {
      const entity = typeof details.entity === 'string' ? details.entity : '';
      if (entity === 'username') return DiscordErrors.invalidField('username', 'USERNAME_ALREADY_TAKEN', 'Username is unavailable. Try adding numbers, letters, underscores _ , or periods.');
      if (entity === 'email') return DiscordErrors.invalidField('email', 'EMAIL_ALREADY_REGISTERED', 'Email is already registered.');
      return new RestError(409, 0, '409: Conflict');
    }
    case 'overloaded':
    case 'unavailable':
    case 'cancelled':
      return new RestError(503, 0, '503: Service Unavailable', undefined, { cause: error });
    case 'deadline':
      return new RestError(504, 0, '504: Gateway Timeout', undefined, { cause: error });
    case 'unimplemented':
      return new RestError(501, 0, '501: Not Implemented', undefined, { cause: error });
    default:
      return new RestError(500, 0, '500: Internal Server Error', undefined, { cause: error });
  }
}
