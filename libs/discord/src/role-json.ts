/** Discord's role object. */
import type { StoredRole } from '@chat/store';

/** Discord's role object (permissions as a decimal string). */
export interface DiscordRole {
  id: string;
  name: string;
  color: number;
  /** Discord's role colours: `color` as primary, no gradient. */
  colors: { primary_color: number; secondary_color: null; tertiary_color: null };
  hoist: boolean;
  icon: null;
  unicode_emoji: null;
  position: number;
  permissions: string;
  managed: boolean;
  mentionable: boolean;
  flags: number;
  tags?: { bot_id?: string };
}

/** A role; a managed role of a bot carries `tags.bot_id` when `botId` is given. */
export function toDiscordRole(role: StoredRole, botId?: string): DiscordRole {
  const json: DiscordRole = {
    id: role.id,
    name: role.name,
    color: role.color,
    colors: { primary_color: role.color, secondary_color: null, tertiary_color: null },
    hoist: role.hoist,
    icon: null,
    unicode_emoji: null,
    position: role.position,
    permissions: role.permissions,
    managed: role.managed,
    mentionable: role.mentionable,
    flags: 0,
  };
  if (botId !== undefined) json.tags = { bot_id: botId };
  return json;
}
