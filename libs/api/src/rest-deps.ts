/**
 * What `createRestApi` is given: the store, the message service, and the two
 * ways events leave the API (publish to a guild, dispatch to users). All
 * injected, so the API is tested without the guild and gateway services.
 */
import type { searchV1 } from '@chat/proto';
import type { ObjectStore } from '@chat/object-store';
import type { Store } from '@chat/store';
import type { RestMessageService } from './messages/message-service.port';
import type { RateLimitConfig } from './rate-limiter';

/** One gateway dispatch as the REST API produces it; `payloadJson` is serialised once. */
export interface RestDispatch {
  /** Discord's dispatch name (the frame's `t`). */
  type: string;
  /** The frame's `d`, as JSON text. */
  payloadJson: string;
  /** The payload without message content (for sessions without MESSAGE_CONTENT); only on message events. */
  redactedPayloadJson?: string;
  /** Channel the event concerns, for per-channel VIEW_CHANNEL filtering. */
  channelId?: string;
  /** Author of the message the event is about. */
  authorId?: string;
  mentionedUserIds?: string[];
  mentionedRoleIds?: string[];
  mentionEveryone?: boolean;
  /** Idempotency key (e.g. the message id for MESSAGE_CREATE). */
  dedupeKey?: string;
  /** For user dispatches: only the sessions whose shard holds this guild (an interaction reaches the bot's shard of its guild). */
  shardGuildId?: string;
  /** For user dispatches: only these sessions of the users (the one a person invoked an interaction from). */
  sessionIds?: string[];
  /** For user dispatches: intent bits of which a session needs one, instead of the default by type (DM events need DIRECT_MESSAGES). */
  intents?: number;
}

/** The logger the API writes warnings to (pino-compatible subset). */
export interface RestLogger {
  warn(object: object, message?: string): void;
  error(object: object, message?: string): void;
}

/** The read-states service as the REST API uses it (POST .../ack). */
export interface RestReadStates {
  /** Marks a channel read up to a message (or back to it with `mentionCount`, a manual "mark unread"). */
  ack(input: { userId: string; channelId: string; messageId: string; mentionCount?: number; sessionId?: string }): Promise<{ lastMessageId: string | null; mentionCount: number }>;
}

/** The search service as the REST API uses it (chat.search.v1.SearchService.SearchMessages). */
export interface RestSearchService {
  searchMessages(request: searchV1.SearchMessagesRequest): Promise<searchV1.SearchMessagesResponse>;
}

/** Voice moderation as the REST API uses it (chat.guild.v1.GuildService.ModerateVoiceState on the guild's owner). */
export interface RestVoice {
  /** Server mute/deafen, move (channelId) or disconnect a member in voice; rejects with a conflict error when the member is not in voice. */
  moderate(input: { guildId: string; userId: string; actorUserId: string; mute?: boolean; deaf?: boolean; channelId?: string; disconnect: boolean }): Promise<void>;
}

/** How large uploads may be. */
export interface UploadLimits {
  /** Largest file, bytes (over it: 413 code 40005). */
  fileBytes: number;
  /** Largest multipart request, files and fields together, bytes. */
  requestBytes: number;
}

/** Discord's free-tier file limit. */
export const DEFAULT_UPLOAD_LIMITS: UploadLimits = { fileBytes: 10 * 1024 * 1024, requestBytes: 25 * 1024 * 1024 };

/** Dependencies of the REST API. */
export interface RestDeps {
  /** The store (users, guilds, records, reactions; messages go through `messages`). */
  store: Pick<Store, 'users' | 'guilds' | 'records' | 'reactions'>;
  /** The message service. */
  messages: RestMessageService;
  /** Publishes a dispatch to every session in a guild (GuildService.PublishEvent). */
  publishGuildEvent(guildId: string, dispatch: RestDispatch): Promise<void>;
  /** Sends a dispatch to every session of these users (GatewayService.DispatchToUsers): DMs and user-level events. */
  dispatchToUsers(userIds: readonly string[], dispatch: RestDispatch): Promise<void>;
  /** Read states (optional; without it the ack route answers 503). */
  readStates?: RestReadStates;
  /** Attaches a user's sessions to a guild they just joined (optional; without it only GUILD_CREATE is sent). */
  attachUserToGuild?(userId: string, guildId: string): Promise<void>;
  /** Voice moderation (optional; without it PATCH member mute, deaf, channel_id answer 40032: nobody is in voice). */
  voice?: RestVoice;
  /** Message search (optional; without it the search routes answer 503). */
  search?: RestSearchService;
  /** Where attachment bytes (and emoji and sticker images) live. */
  objects: ObjectStore;
  /** The CDN: the origin its URLs start with (e.g. "http://127.0.0.1:8080") and the secret they are signed with. */
  cdn: { baseUrl: string; secret: Buffer };
  /** Upload limits; default 10 MiB a file (Discord's free tier) and 25 MiB a request. */
  uploads?: UploadLimits;
  /** The WebSocket URL handed out by GET /gateway (e.g. "ws://127.0.0.1:8080"). */
  gatewayUrl: string;
  /** Rate limits; defaults to DEFAULT_RATE_LIMITS. */
  rateLimits?: RateLimitConfig;
  /** Unix-ms clock; defaults to Date.now. */
  clock?: () => number;
  /** Issues snowflake ids; defaults to a generator with worker 0, process 0 (give each process its own in production). */
  nextId?: () => string;
  /** Largest request body in bytes; default 1 MiB. */
  bodyLimitBytes?: number;
  /** How long an application has for an interaction's initial response; default 3000 ms (Discord's). */
  interactionDeadlineMs?: number;
  /** Where failed publishes and 500s are logged. */
  logger?: RestLogger;
}
