/** Discord's webhook object (incoming webhooks). */
import type { APIWebhook } from 'discord-api-types/v10';
import type { StoredUser } from '@chat/store';
import { toDiscordUser } from './user-json';

/** What a webhook object is built from. */
export interface WebhookFacts {
  id: string;
  guildId: string;
  channelId: string;
  name: string;
  avatar: string | null;
}

/** A webhook; `creator` only for callers who may manage it, `token` only when just created (only its hash is kept). */
export function toDiscordWebhook(webhook: WebhookFacts, parts: { creator?: StoredUser; token?: string; baseUrl?: string } = {}): APIWebhook {
  return {
    id: webhook.id,
    type: 1,
    guild_id: webhook.guildId,
    channel_id: webhook.channelId,
    name: webhook.name,
    avatar: webhook.avatar,
    application_id: null,
    ...(parts.creator ? { user: toDiscordUser(parts.creator) } : {}),
    ...(parts.token ? { token: parts.token, ...(parts.baseUrl ? { url: `${parts.baseUrl}/webhooks/${webhook.id}/${parts.token}` } : {}) } : {}),
  } as APIWebhook;
}
