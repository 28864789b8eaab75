/** Discord's user object. */
import type { StoredUser } from '@chat/store';

/** Discord's public user object. */
export interface DiscordUser {
  id: string;
  username: string;
  discriminator: string;
  global_name: string | null;
  avatar: string | null;
  bot?: boolean;
  public_flags: number;
  flags: number;
  /** The guild tag a user shows; this server has none. */
  primary_guild: null;
}

/** The current user (GET /users/@me): the public object plus account fields. */
export interface DiscordCurrentUser extends DiscordUser {
  email: string | null;
  verified: boolean;
  mfa_enabled: boolean;
  locale: string;
}

/** A user as anyone may see them. `bot` is present only for bots, as Discord sends it. */
export function toDiscordUser(user: StoredUser): DiscordUser {
  const json: DiscordUser = {
    id: user.id,
    username: user.username,
    discriminator: user.discriminator,
    global_name: user.globalName,
    avatar: user.avatar,
    public_flags: user.flags,
    flags: user.flags,
    primary_guild: null,
  };
  if (user.bot) json.bot = true;
  return json;
}

/** The user as they see themselves. */
export function toDiscordCurrentUser(user: StoredUser): DiscordCurrentUser {
  return { ...toDiscordUser(user), email: user.email, verified: user.email !== null, mfa_enabled: false, locale: 'en-US' };
}
