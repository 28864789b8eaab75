/**
 * Mentions in message content, as Discord parses them: `<@id>` and `<@!id>`
 * users, `<@&id>` roles, `@everyone` and `@here`. Parsing only finds
 * candidates; the caller resolves them (users that exist, roles of the
 * guild, @everyone only with MENTION_EVERYONE).
 */

/** Candidates found in content. */
export interface ParsedMentions {
  userIds: string[];
  roleIds: string[];
  everyone: boolean;
}

/** What allowed_mentions permits (Discord's object; undefined allows everything). */
export interface AllowedMentions {
  parse?: readonly ('users' | 'roles' | 'everyone')[];
  users?: readonly string[];
  roles?: readonly string[];
}

const USER = /<@!?(\d{1,20})>/g;
const ROLE = /<@&(\d{1,20})>/g;
const EVERYONE = /(?:^|[^\w@])@(everyone|here)\b/;

/** Finds mention candidates, deduplicated in order of appearance, filtered by allowed_mentions. */
export function parseMentions(content: string, allowed?: AllowedMentions): ParsedMentions {
  const users = [...new Set([...content.matchAll(USER)].map((m) => m[1] as string))];
  const roles = [...new Set([...content.matchAll(ROLE)].map((m) => m[1] as string))];
  const everyone = EVERYONE.test(content);
  if (!allowed) return { userIds: users, roleIds: roles, everyone };
  const parse = new Set(allowed.parse ?? []);
  const allowedUsers = new Set(allowed.users ?? []);
  const allowedRoles = new Set(allowed.roles ?? []);
  return {
    userIds: users.filter((id) => parse.has('users') || allowedUsers.has(id)),
    roleIds: roles.filter((id) => parse.has('roles') || allowedRoles.has(id)),
    everyone: everyone && parse.has('everyone'),
  };
}
