/** Discord's guild member object. */
import type { StoredMember, StoredUser } from '@chat/store';
import { toDiscordUser, type DiscordUser } from './user-json';

/** Discord's guild member object. */
export interface DiscordMember {
  user?: DiscordUser;
  nick: string | null;
  avatar: null;
  banner: null;
  roles: string[];
  joined_at: string;
  premium_since: null;
  deaf: boolean;
  mute: boolean;
  flags: number;
  pending: boolean;
  communication_disabled_until: null;
}

/** A member; with `user` when given (left out inside a message's `member`, as Discord does). */
export function toDiscordMember(member: StoredMember, user?: StoredUser): DiscordMember {
  const json: DiscordMember = {
    nick: member.nick,
    avatar: null,
    banner: null,
    roles: [...member.roleIds],
    joined_at: member.joinedAt.toISOString(),
    premium_since: null,
    deaf: member.deaf,
    mute: member.mute,
    flags: 0,
    pending: false,
    communication_disabled_until: null,
  };
  if (user) return { user: toDiscordUser(user), ...json };
  return json;
}
