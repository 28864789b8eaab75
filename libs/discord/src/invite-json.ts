/** Discord's invite object. */
import type { StoredChannel, StoredGuild, StoredInvite, StoredUser } from '@chat/store';
import { toDiscordUser, type DiscordUser } from './user-json';

/** Discord's invite object (with metadata). */
export interface DiscordInvite {
  type: 0;
  code: string;
  guild_id: string;
  guild: {
    id: string;
    name: string;
    icon: string | null;
    splash: null;
    banner: null;
    description: string | null;
    features: string[];
    verification_level: number;
    vanity_url_code: null;
    nsfw_level: number;
    nsfw: boolean;
    premium_subscription_count: number;
  };
  channel: { id: string; name: string | null; type: number };
  inviter?: DiscordUser;
  uses: number;
  max_uses: number;
  max_age: number;
  temporary: boolean;
  created_at: string;
  expires_at: string | null;
}

/** An invite with its guild and channel. */
export function toDiscordInvite(invite: StoredInvite, guild: StoredGuild, channel: StoredChannel, inviter?: StoredUser): DiscordInvite {
  const json: DiscordInvite = {
    type: 0,
    code: invite.code,
    guild_id: guild.id,
    guild: {
      id: guild.id,
      name: guild.name,
      icon: guild.icon,
      splash: null,
      banner: null,
      description: guild.description,
      features: [...guild.features],
      verification_level: guild.verificationLevel,
      vanity_url_code: null,
      nsfw_level: 0,
      nsfw: false,
      premium_subscription_count: 0,
    },
    channel: { id: channel.id, name: channel.name, type: channel.type },
    uses: invite.uses,
    max_uses: invite.maxUses,
    max_age: invite.maxAge,
    temporary: invite.temporary,
    created_at: invite.createdAt.toISOString(),
    expires_at: invite.expiresAt ? invite.expiresAt.toISOString() : null,
  };
  if (inviter) json.inviter = toDiscordUser(inviter);
  return json;
}
