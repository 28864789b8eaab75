import { computeChannelPermissions, hasPermission, Permission, type GuildPermissionFacts } from '@chat/permissions';
import type { GuildStore, StoredChannel, StoredMember } from '@chat/store';

/** The mentions of one created message, as the event carries them. */
export interface MessageMentions {
  channelId: string;
  /** Unset in DMs. */
  guildId: string | undefined;
  authorId: string;
  mentionUserIds: readonly string[];
  mentionRoleIds: readonly string[];
  /** @everyone or @here (Discord sets mention_everyone for both). */
  mentionEveryone: boolean;
}

/**
 * Who gets a mention counted for a message: the users it mentions, the
 * members holding a role it mentions, and every member for @everyone /
 * @here, minus the author and minus members who cannot view the channel.
 * @here counts every member too: this service does not know who is online.
 * Role mentions and @everyone page through the guild's members
 * (`pageSize` per store call), so their cost grows with the guild.
 */
export async function mentionAudience(guilds: Pick<GuildStore, 'getChannel' | 'getGuild' | 'listRoles' | 'getMember' | 'listMembers'>, mentions: MessageMentions, pageSize: number): Promise<string[]> {
  const users = new Set(mentions.mentionUserIds);
  if (mentions.guildId === undefined) {
    users.delete(mentions.authorId);
    return [...users];
  }
  const [channel, guild, roles] = await Promise.all([guilds.getChannel(mentions.channelId), guilds.getGuild(mentions.guildId), guilds.listRoles(mentions.guildId)]);
  if (!channel || !guild) return [];
  const facts: GuildPermissionFacts = { guildId: guild.id, ownerId: guild.ownerId, rolePermissions: new Map(roles.map((r) => [r.id, BigInt(r.permissions)])) };
  const canView = (member: StoredMember) => hasPermission(channelPermissions(facts, member, channel), Permission.VIEW_CHANNEL);
  const audience = new Set<string>();
  const wantedRoles = new Set(mentions.mentionRoleIds);
  if (mentions.mentionEveryone || wantedRoles.size > 0) {
    let after: string | undefined;
    for (;;) {
      const page = await guilds.listMembers(mentions.guildId, { ...(after === undefined ? {} : { after }), limit: pageSize });
      for (const member of page) {
        const hit = mentions.mentionEveryone || users.has(member.userId) || member.roleIds.some((r) => wantedRoles.has(r));
        if (hit && canView(member)) audience.add(member.userId);
      }
      if (page.length < pageSize) break;
      after = page[page.length - 1]!.userId;
    }
  } else {
    const members = await Promise.all([...users].map((userId) => guilds.getMember(mentions.guildId!, userId)));
    for (const member of members) if (member && canView(member)) audience.add(member.userId);
  }
  audience.delete(mentions.authorId);
  return [...audience];
}

function channelPermissions(facts: GuildPermissionFacts, member: StoredMember, channel: StoredChannel): bigint {
  const overwrites = channel.permissionOverwrites.map((o) => ({ id: o.id, type: o.type, allow: BigInt(o.allow), deny: BigInt(o.deny) }));
  return computeChannelPermissions(facts, member, overwrites);
}
