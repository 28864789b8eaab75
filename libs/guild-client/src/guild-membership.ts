/**
 * How a process learns which guild nodes are alive: the configured list
 * (CHAT_GUILD_NODES on guild nodes, CHAT_GATEWAY_GUILD_NODES on gateways),
 * minus the nodes that stop answering gRPC health for GuildService when
 * CHAT_GUILD_RING_MEMBERSHIP=probe (the default). Gateways and guild nodes
 * read the same keys, so they drop a dead node after the same time.
 */
import { enumSetting, intSetting, type ConfigOf } from '@chat/config';
import { guildV1 } from '@chat/proto';
import { ProbedMembership, StaticMembership, type Member, type Membership } from '@chat/ring';
import { grpcHealthProbe, serviceNameOf } from '@chat/rpc';

/** The guild ring membership settings, shared by the guild and gateway modules. */
export const guildMembershipConfigSchema = {
  membership: enumSetting('CHAT_GUILD_RING_MEMBERSHIP', ['probe', 'static'] as const, {
    default: 'probe',
    description: 'probe: a guild node that fails CHAT_GUILD_RING_PROBE_FAILURES health checks in a row leaves the guild ring (its guilds move); static: the configured list, always',
  }),
  probeIntervalMs: intSetting('CHAT_GUILD_RING_PROBE_MS', { default: 1000, min: 50, max: 60_000, unit: 'ms', description: 'time between two health checks of each guild node' }),
  probeFailures: intSetting('CHAT_GUILD_RING_PROBE_FAILURES', { default: 3, min: 1, max: 100, unit: 'count', description: 'failed health checks in a row after which a guild node leaves the ring' }),
};

/** The guild ring membership settings as loaded. */
export type GuildMembershipConfig = ConfigOf<typeof guildMembershipConfigSchema>;

/** The defaults, for callers that build a config by hand. */
export const defaultGuildMembershipConfig: GuildMembershipConfig = { membership: 'probe', probeIntervalMs: 1000, probeFailures: 3 };

/**
 * The guild ring's membership for `members`. With `probe`, every member but
 * `self` is health-checked (GuildService SERVING) and leaves the ring while
 * it fails; a one-member ring is never probed.
 */
export function guildRingMembership(members: readonly Member[], config: GuildMembershipConfig, self?: string): Membership {
  if (config.membership === 'static' || members.length < 2) return new StaticMembership(members);
  const health = grpcHealthProbe(serviceNameOf(guildV1.GuildServiceService), { timeoutMs: config.probeIntervalMs });
  return new ProbedMembership({
    members,
    ...(self === undefined ? {} : { self }),
    intervalMs: config.probeIntervalMs,
    probeTimeoutMs: config.probeIntervalMs,
    failuresToLeave: config.probeFailures,
    successesToJoin: 2,
    probe: (member, signal) => health.check(member.address, signal),
    release: () => health.close(),
  });
}
