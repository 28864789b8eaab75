/**
 * Errors of the guild service. Each maps to a gRPC status by its kind
 * (@chat/rpc's toGrpcStatus): invalid → INVALID_ARGUMENT, not_found →
 * NOT_FOUND, unavailable → UNAVAILABLE.
 */
import { ConflictError, ForbiddenError, InternalError, InvalidArgumentError, NotFoundError, UnavailableError } from '@chat/errors';

/** Thrown when a call names a guild that another guild node owns on the ring; the message and details name the owner so the caller re-routes. */
export class GuildNotOwnedError extends UnavailableError {
  constructor(
    readonly guildId: string,
    readonly ownerNodeId: string,
    readonly ownerAddress: string | undefined,
    options: { cause?: unknown } = {},
  ) {
    super(`guild ${guildId} is owned by guild node ${ownerNodeId}${ownerAddress ? ` (${ownerAddress})` : ''}; owner=${ownerNodeId}`, {
      ...options,
      details: { guildId, ownerNodeId, ownerAddress },
    });
  }
}

/** Thrown when the guild does not exist in the store. */
export class UnknownGuildError extends NotFoundError {
  constructor(readonly guildId: string, options: { cause?: unknown } = {}) {
    super(`unknown guild ${guildId}`, { ...options, details: { guildId } });
  }
}

/** Thrown when an id or value in a request is malformed or out of range. */
export class InvalidGuildRequestError extends InvalidArgumentError {
  constructor(readonly field: string, reason: string, options: { cause?: unknown } = {}) {
    super(`${field} ${reason}`, { ...options, details: { field } });
  }
}

/** Thrown when a call names a channel that is not in the guild. */
export class UnknownChannelError extends NotFoundError {
  constructor(readonly guildId: string, readonly channelId: string) {
    super(`unknown channel ${channelId} in guild ${guildId}`, { details: { guildId, channelId } });
  }
}

/** Thrown at start when the process's `store` module has no guilds or users port (for example the data service's interim memory store). */
export class GuildStoreMissingError extends InternalError {
  constructor() {
    super("the guild module needs the 'store' module of @chat/store (guilds and users ports); list storeModule from @chat/store");
  }
}

/** Thrown (to the listing that was waiting) when a member worker thread dies or cannot start; the guild actor then lists in-thread. */
export class MemberWorkerCrashedError extends UnavailableError {
  constructor(readonly workerIndex: number, readonly exitCode: number | undefined, options: { cause?: unknown } = {}) {
    super(`member worker ${workerIndex} died${exitCode === undefined ? '' : ` (exit code ${exitCode})`}`, { ...options, details: { workerIndex, exitCode } });
  }
}

/** Thrown when a member worker answers a listing with an error, or a listing is asked of a stopped worker pool. */
export class MemberWorkerFailedError extends UnavailableError {
  constructor(readonly workerIndex: number, reason: string, options: { cause?: unknown } = {}) {
    super(`member worker ${workerIndex}: ${reason}`, { ...options, details: { workerIndex } });
  }
}

/** Thrown by UpdateVoiceState and ModerateVoiceState when the channel is not a voice channel (type 2) of the guild. */
export class NotVoiceChannelError extends InvalidArgumentError {
  constructor(readonly guildId: string, readonly channelId: string) {
    super(`channel ${channelId} is not a voice channel of guild ${guildId}`, { details: { guildId, channelId } });
  }
}

/** Thrown when a member lacks a voice permission: CONNECT to join, MUTE_MEMBERS, DEAFEN_MEMBERS or MOVE_MEMBERS to moderate. */
export class VoicePermissionError extends ForbiddenError {
  constructor(readonly userId: string, readonly permission: string, readonly channelId: string | undefined) {
    super(`user ${userId} lacks ${permission}${channelId === undefined ? '' : ` in channel ${channelId}`}`, { details: { userId, permission, channelId } });
  }
}

/** Thrown when joining a voice channel that is at its user_limit and the member has no MOVE_MEMBERS. */
export class VoiceChannelFullError extends ForbiddenError {
  constructor(readonly channelId: string, readonly userLimit: number) {
    super(`voice channel ${channelId} is full (${userLimit} users)`, { details: { channelId, userLimit } });
  }
}

/** Thrown by ModerateVoiceState when the member is not in a voice channel of the guild (Discord 40032). */
export class NotInVoiceError extends ConflictError {
  constructor(readonly guildId: string, readonly userId: string) {
    super(`Target user is not connected to voice (user ${userId}, guild ${guildId})`, { details: { guildId, userId } });
  }
}

/** Thrown when the voice node of a call does not answer AllocateServer or UpdateParticipant (the voice state is left as it was). */
export class VoiceServerUnavailableError extends UnavailableError {
  constructor(readonly voiceNodeId: string, readonly operation: string, options: { cause?: unknown } = {}) {
    super(`voice node ${voiceNodeId} failed ${operation}`, { ...options, details: { voiceNodeId, operation } });
  }
}
