/**
 * Publishes a guild dispatch to the sessions on THIS node, for a single
 * process without the guild service's relay (the embedded default): finds
 * the members among the local sessions, and filters by shard, intents,
 * VIEW_CHANNEL (roles and overwrites via @chat/permissions) and
 * MESSAGE_CONTENT, serialising each payload once. The guild relay replaces
 * it when the guild service is wired.
 */
import { computeChannelPermissions, hasPermission, parsePermissions, Permission } from '@chat/permissions';
import type { GuildStore } from '@chat/store';
import { createDispatchFrame, type DispatchFrame, type LocalSession } from '../relay/local-sessions';
import { inShard } from './shard';

/** The dispatch as REST hands it over (RestDispatch's fields). */
export interface GuildDispatch {
  type: string;
  payloadJson: string;
  redactedPayloadJson?: string;
  channelId?: string;
  authorId?: string;
  mentionedUserIds?: string[];
  mentionedRoleIds?: string[];
  mentionEveryone?: boolean;
}

const GUILDS = 1 << 0;
const GUILD_MEMBERS = 1 << 1;
const GUILD_PRESENCES = 1 << 8;
const GUILD_MESSAGES = 1 << 9;
const GUILD_MESSAGE_TYPING = 1 << 11;
const MESSAGE_CONTENT = 1 << 15;

/** The intent a guild dispatch needs, from its name (Discord's intent table). */
export function intentOf(type: string): number {
  if (type.startsWith('MESSAGE_REACTION')) return 1 << 10;
  if (type.startsWith('MESSAGE_')) return GUILD_MESSAGES;
  if (type === 'TYPING_START') return GUILD_MESSAGE_TYPING;
  if (type.startsWith('GUILD_MEMBER_')) return GUILD_MEMBERS;
  if (type === 'PRESENCE_UPDATE') return GUILD_PRESENCES;
  return GUILDS;
}

/** Local fan-out of guild dispatches. */
export class LocalGuildPublisher {
  constructor(
    private readonly sessions: { all(): readonly LocalSession[] },
    private readonly guilds: GuildStore,
  ) {}

  /** Delivers `dispatch` to every local session that may see it; resolves with how many got it. */
  async publish(guildId: string, dispatch: GuildDispatch): Promise<number> {
    const intent = intentOf(dispatch.type);
    const candidates = this.sessions.all().filter((s) => inShard(guildId, s.shard) && (s.intents & intent) !== 0);
    if (candidates.length === 0) return 0;
    const visible = await this.viewers(guildId, [...new Set(candidates.map((s) => s.userId))], dispatch.channelId);
    let full: DispatchFrame | undefined;
    let redacted: DispatchFrame | undefined;
    const mentioned = new Set(dispatch.mentionedUserIds ?? []);
    let delivered = 0;
    for (const session of candidates) {
      if (!visible.has(session.userId)) continue;
      const needsRedaction =
        dispatch.redactedPayloadJson !== undefined &&
        (session.intents & MESSAGE_CONTENT) === 0 &&
        session.userId !== dispatch.authorId &&
        !mentioned.has(session.userId);
      const frame = needsRedaction
        ? (redacted ??= createDispatchFrame(dispatch.type, dispatch.redactedPayloadJson ?? 'null', guildId))
        : (full ??= createDispatchFrame(dispatch.type, dispatch.payloadJson, guildId));
      session.deliver(frame);
      delivered += 1;
    }
    return delivered;
  }

  /** Users among `userIds` who are members and, for a channel event, have VIEW_CHANNEL there. */
  private async viewers(guildId: string, userIds: readonly string[], channelId: string | undefined): Promise<Set<string>> {
    const members = (await Promise.all(userIds.map((id) => this.guilds.getMember(guildId, id)))).filter((m) => m !== undefined);
    if (!channelId) return new Set(members.map((m) => m.userId));
    const [guild, roles, channel] = await Promise.all([this.guilds.getGuild(guildId), this.guilds.listRoles(guildId), this.guilds.getChannel(channelId)]);
    if (!guild || !channel) return new Set();
    const facts = { guildId, ownerId: guild.ownerId, rolePermissions: new Map(roles.map((r) => [r.id, parsePermissions(r.permissions)])) };
    const overwrites = channel.permissionOverwrites.map((o) => ({ id: o.id, type: o.type, allow: parsePermissions(o.allow), deny: parsePermissions(o.deny) }));
    const out = new Set<string>();
    for (const member of members) {
      const permissions = computeChannelPermissions(facts, { userId: member.userId, roleIds: member.roleIds }, overwrites);
      if (hasPermission(permissions, Permission.VIEW_CHANNEL)) out.add(member.userId);
    }
    return out;
  }
}
