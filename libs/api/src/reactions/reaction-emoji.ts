/**
 * The `{emoji}` of a reaction route: a unicode emoji (URL-encoded), or a
 * custom one as `name:id` (discord.js adds `a:` for animated ones). Unicode
 * emojis must be an RGI emoji or one pictographic character (optionally
 * with the emoji presentation selector); custom ones must exist and be
 * usable by the caller. Anything else is Discord's 10014 Unknown Emoji.
 */
import { hasPermission, Permission } from '@chat/permissions';
import type { ChannelAccess } from '../access';
import { EmojiRecords } from '@chat/store';
import { DiscordErrors } from '../errors';
import type { ResolvedDeps } from '../route-context';

/** A reaction's emoji as the store keys it. */
export interface ReactionEmoji {
  /** The custom emoji's id, or the unicode emoji. */
  key: string;
  name: string;
  animated: boolean;
}

// Built at run time: the `v` flag (RGI_Emoji) is newer than the compile target, which Node 20 runs anyway.
const RGI_EMOJI = new RegExp('^\\p{RGI_Emoji}$', 'v');
const PICTOGRAPHIC = /^\p{Extended_Pictographic}\uFE0F?$/u;
const CUSTOM = /^(?:a:)?([^:]{1,32}):(\d{1,20})$/;

/** A unicode emoji, or undefined. */
export function unicodeEmoji(text: string): string | undefined {
  return text.length <= 64 && (RGI_EMOJI.test(text) || PICTOGRAPHIC.test(text)) ? text : undefined;
}

/**
 * Resolves the route's emoji. A custom emoji must belong to the channel's
 * guild or a guild the caller is in (or be the caller's application's), and
 * a role-restricted one needs one of its roles in its own guild.
 *
 * @throws 10014 Unknown Emoji otherwise.
 */
export async function resolveReactionEmoji(deps: ResolvedDeps, callerId: string, access: ChannelAccess, param: string | undefined): Promise<ReactionEmoji> {
  const text = param ?? '';
  const unicode = unicodeEmoji(text);
  if (unicode) return { key: unicode, name: unicode, animated: false };
  const custom = CUSTOM.exec(text);
  if (!custom) throw DiscordErrors.unknownEmoji();
  const id = custom[2] as string;
  const found = await new EmojiRecords(deps.store.records).find(id);
  if (!found) throw DiscordErrors.unknownEmoji();
  const { emoji, owner } = found;
  if ('applicationId' in owner) {
    const application = await deps.store.users.getApplication(owner.applicationId);
    if (application?.botUserId !== callerId) throw DiscordErrors.unknownEmoji();
  } else {
    const member = access.guild && owner.guildId === access.guild.guild.id ? access.guild.member : await deps.store.guilds.getMember(owner.guildId, callerId);
    if (!member) throw DiscordErrors.unknownEmoji();
    if (emoji.roles.length > 0 && !emoji.roles.some((role) => member.roleIds.includes(role))) throw DiscordErrors.unknownEmoji();
    // An emoji of another guild is an external emoji, which takes USE_EXTERNAL_EMOJIS where it is used.
    if (access.guild && owner.guildId !== access.guild.guild.id && !hasPermission(access.permissions, Permission.USE_EXTERNAL_EMOJIS)) throw DiscordErrors.missingPermissions();
  }
  return { key: emoji.id, name: emoji.name, animated: emoji.animated };
}
