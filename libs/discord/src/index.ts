export { toDiscordUser, toDiscordCurrentUser, type DiscordUser, type DiscordCurrentUser } from './user-json';
export { toDiscordRole, type DiscordRole } from './role-json';
export { toDiscordChannel, type DiscordChannel, type DiscordOverwrite } from './channel-json';
export { toDiscordMember, type DiscordMember } from './member-json';
export {
  toDiscordGuild,
  toDiscordPartialGuild,
  toDiscordGuildCreate,
  type DiscordGuild,
  type DiscordPartialGuild,
  type DiscordGuildCreate,
  type GuildCreateParts,
  type GuildExpressions,
} from './guild-json';
export { toDiscordMessage, redactMessage, type DiscordMessage, type MessageParts } from './message-json';
export { toDiscordReactions, toDiscordPartialEmoji, isCustomEmojiKey, type DiscordReaction, type DiscordPartialEmoji } from './reaction-json';
export { toDiscordAttachment, attachmentPath, parseStoredAttachments, type StoredAttachment, type DiscordAttachment } from './attachment-json';
export { toDiscordEmoji, toDiscordSticker, type DiscordEmoji, type DiscordSticker } from './expression-json';
export { toDiscordPoll, parseStoredPoll, pollEnded, type StoredPoll, type DiscordPoll, type PollMedia, type PollAnswerCount } from './poll-json';
export { toDiscordInvite, type DiscordInvite } from './invite-json';
export {
  toDiscordApplicationCommand,
  toDiscordCommandPermissions,
  type CommandDefinition,
  type CommandOptionDefinition,
  type CommandIdentity,
  type CommandPermission,
} from './application-command-json';
export { toDiscordWebhook, type WebhookFacts } from './webhook-json';
