/**
 * Test and benchmark fixture: an in-memory GuildStorePorts holding guilds of
 * any size (100,000 members load in well under a second, where the SQLite
 * fixture inserts one row at a time). Each guild has an @everyone role that
 * may view and send, one text channel, and members `memberIdOf(guild, i)`
 * named `user<i>`, every third with a nick `nick<i>`, every fifth with a
 * global name `Global<i>`.
 */
import type { StoredChannel, StoredGuild, StoredMember, StoredRole, StoredUser } from '@chat/store';
import type { GuildStorePorts } from '../../guild-state';

/** The member id of member `i` (1-based) of a fixture guild. */
export function memberIdOf(guildId: string, i: number): string {
  return (BigInt(guildId) * 1_000_000n + BigInt(i)).toString();
}

/** The channel id of a fixture guild. */
export function channelIdOf(guildId: string): string {
  return (BigInt(guildId) + 1n).toString();
}

interface FixtureGuild {
  guild: StoredGuild;
  role: StoredRole;
  channel: StoredChannel;
  /** Member ids in snowflake order. */
  ids: string[];
  members: Map<string, StoredMember>;
}

/** An in-memory store of large guilds; `putMember` / `removeMember` change it as a REST call would. */
export class LargeGuildStore implements GuildStorePorts {
  private readonly data = new Map<string, FixtureGuild>();
  private readonly userMap = new Map<string, StoredUser>();

  readonly guilds = {
    getGuild: async (guildId: string) => this.data.get(guildId)?.guild,
    listChannels: async (guildId: string) => (this.data.has(guildId) ? [this.data.get(guildId)!.channel] : []),
    listRoles: async (guildId: string) => (this.data.has(guildId) ? [this.data.get(guildId)!.role] : []),
    listMembers: async (guildId: string, page: { after?: string; limit: number }) => {
      const g = this.data.get(guildId);
      if (!g) return [];
      const after = page.after === undefined ? -1n : BigInt(page.after);
      let lo = 0;
      let hi = g.ids.length;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (BigInt(g.ids[mid]!) <= after) lo = mid + 1;
        else hi = mid;
      }
      return g.ids.slice(lo, lo + page.limit).map((id) => g.members.get(id)!);
    },
    getMember: async (guildId: string, userId: string) => this.data.get(guildId)?.members.get(userId),
  } as unknown as GuildStorePorts['guilds'];

  readonly users = {
    getUser: async (userId: string) => this.userMap.get(userId),
    getUsers: async (userIds: readonly string[]) => userIds.flatMap((id) => (this.userMap.has(id) ? [this.userMap.get(id)!] : [])),
  };

  /** Adds guild `guildId` with `memberCount` members (the first is the owner). */
  addGuild(guildId: string, memberCount: number): void {
    const created = new Date('2025-01-01T00:00:00Z');
    const ownerId = memberIdOf(guildId, 1);
    const guild: StoredGuild = {
      id: guildId, name: `guild ${guildId}`, ownerId, icon: null, description: null, systemChannelId: null,
      verificationLevel: 0, defaultMessageNotifications: 0, explicitContentFilter: 0, preferredLocale: 'en-US', features: [], createdAt: created,
    };
    const role = { id: guildId, guildId, name: '@everyone', permissions: ((1n << 10n) | (1n << 11n)).toString(), color: 0, hoist: false, position: 0, managed: false, mentionable: false } as StoredRole;
    const channel = {
      id: channelIdOf(guildId), type: 0, guildId, name: 'general', topic: null, position: 0, parentId: null, nsfw: false, rateLimitPerUser: 0,
      bitrate: null, userLimit: null, lastMessageId: null, lastPinTimestamp: null, permissionOverwrites: [],
    } as unknown as StoredChannel;
    const fixture: FixtureGuild = { guild, role, channel, ids: [], members: new Map() };
    this.data.set(guildId, fixture);
    for (let i = 1; i <= memberCount; i += 1) this.write(fixture, guildId, i);
    fixture.ids = [...fixture.members.keys()];
  }

  /** Adds (or replaces) member `i` of a guild, with its user; `nick` overrides the default nick. */
  putMember(guildId: string, i: number, nick?: string): string {
    const g = this.data.get(guildId)!;
    const id = this.write(g, guildId, i, nick);
    g.ids = [...g.members.keys()].sort((a, b) => (BigInt(a) < BigInt(b) ? -1 : BigInt(a) > BigInt(b) ? 1 : 0));
    return id;
  }

  private write(g: FixtureGuild, guildId: string, i: number, nick?: string): string {
    const id = memberIdOf(guildId, i);
    g.members.set(id, { guildId, userId: id, nick: nick ?? (i % 3 === 0 ? `nick${i}` : null), roleIds: [], joinedAt: new Date(Date.UTC(2025, 0, 1) + i * 1000), deaf: false, mute: i % 7 === 0 });
    this.userMap.set(id, {
      id, username: `user${i}`, discriminator: '0', globalName: i % 5 === 0 ? `Global${i}` : null, avatar: null, bot: false, flags: 0, email: null, createdAt: new Date('2025-01-01T00:00:00Z'),
    });
    return id;
  }

  /** Removes member `i` of a guild; returns its id. */
  removeMember(guildId: string, i: number): string {
    const g = this.data.get(guildId)!;
    const id = memberIdOf(guildId, i);
    g.members.delete(id);
    g.ids = g.ids.filter((m) => m !== id);
    return id;
  }
}
