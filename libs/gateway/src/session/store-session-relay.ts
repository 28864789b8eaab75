/**
 * A SessionRelay that reads the store directly: GUILD_CREATE payloads are
 * built from the guilds and users ports, and no guild dispatches flow (there
 * is no guild node). It stands in for the guild engineer's relay until the
 * guild service is wired, and serves single-process tests of the protocol.
 */
import type { GuildStore, UserStore } from '@chat/store';
import type {
  AttachGuildsResult,
  GuildAttachResult,
  GuildSubscriptionChange,
  LocalSession,
  SessionPresence,
  SessionRelay,
} from '../relay/local-sessions';
import { toDiscordChannel, toDiscordGuild, toDiscordMember } from '../rest/discord-json';
import { inShard } from './shard';

/** Ports the store-backed relay reads. */
export interface StoreRelayPorts {
  readonly guilds: GuildStore;
  readonly users: UserStore;
}

/** Store-backed relay: attach builds GUILD_CREATE from the store; presence and subscriptions are accepted and not fanned out. */
export class StoreSessionRelay implements SessionRelay {
  private readonly sessions = new Map<string, LocalSession>();

  constructor(private readonly ports: StoreRelayPorts) {}

  register(session: LocalSession): void {
    this.sessions.set(session.sessionId, session);
  }

  async attachGuilds(sessionId: string, guildIds: readonly string[], options?: { readonly resuming?: boolean }): Promise<AttachGuildsResult> {
    const session = this.sessions.get(sessionId);
    if (!session) return { attached: [], unavailable: [...guildIds], notMember: [] };
    const attached: GuildAttachResult[] = [];
    const notMember: string[] = [];
    const unavailable: string[] = [];
    for (const guildId of guildIds) {
      if (!inShard(guildId, session.shard)) continue;
      try {
        const member = await this.ports.guilds.getMember(guildId, session.userId);
        if (!member) {
          notMember.push(guildId);
          continue;
        }
        const json = options?.resuming ? Buffer.alloc(0) : await this.guildCreate(guildId, session.largeThreshold || 50);
        if (json === undefined) notMember.push(guildId);
        else attached.push({ guildId, mode: 'active', guildCreateJson: json });
      } catch {
        unavailable.push(guildId);
      }
    }
    return { attached, unavailable, notMember };
  }

  /** Nothing to detach: no guild node holds the session. */
  detachGuilds(): Promise<void> {
    return Promise.resolve();
  }

  /** Every session is active here (no guild node, so no passive mode to change). */
  updateSubscriptions(_sessionId: string, _changes: readonly GuildSubscriptionChange[]): Promise<void> {
    return Promise.resolve();
  }

  /** Presence is accepted and not fanned out: without a guild node nobody else is told. */
  updatePresence(_sessionId: string, _presence: SessionPresence): Promise<void> {
    return Promise.resolve();
  }

  async unregister(sessionId: string): Promise<void> {
    this.sessions.delete(sessionId);
  }

  /** Store mode fans out on this node only: nothing to fence. */
  async awaitSessionMoved(): Promise<string[]> {
    return [];
  }

  release(sessionId: string): void {
    this.sessions.delete(sessionId);
  }

  private async guildCreate(guildId: string, largeThreshold: number): Promise<Buffer | undefined> {
    const { guilds, users } = this.ports;
    const guild = await guilds.getGuild(guildId);
    if (!guild) return undefined;
    const [roles, channels, members] = await Promise.all([
      guilds.listRoles(guildId),
      guilds.listChannels(guildId),
      guilds.listMembers(guildId, { limit: Math.min(largeThreshold + 1, 1000) }),
    ]);
    const large = members.length > largeThreshold;
    const shown = members.slice(0, largeThreshold);
    const memberUsers = new Map((await users.getUsers(shown.map((m) => m.userId))).map((u) => [u.id, u]));
    const payload = {
      ...toDiscordGuild(guild, roles),
      joined_at: guild.createdAt.toISOString(),
      large,
      unavailable: false,
      member_count: members.length,
      voice_states: [],
      members: shown.map((m) => toDiscordMember(m, memberUsers.get(m.userId))),
      channels: channels.map((channel) => toDiscordChannel(channel)),
      threads: [],
      presences: [],
      stage_instances: [],
      guild_scheduled_events: [],
      soundboard_sounds: [],
    };
    return Buffer.from(JSON.stringify(payload), 'utf8');
  }
}
