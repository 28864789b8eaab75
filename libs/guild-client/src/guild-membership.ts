/**
 * How a process learns which guild nodes are alive: the configured list
 * (CHAT_GUILD_NODES on guild nodes, CHAT_GATEWAY_GUILD_NODES on gateways),
 * minus the nodes that stop answering gRPC health for GuildService when
 * CHAT_GUILD_RING_MEMBERSHIP=probe (the default). Gateways and guild nodes
 * read the same keys, so they drop a dead node after the same time.
 */
import type { ConfigOf } from '@chat/config';
import { guildV1 } from '@chat/proto';
import type { Member, Membership } from '@chat/ring';
import { healthProbedMembership, ringMembershipSchema, serviceNameOf } from '@chat/rpc';

/** The guild ring membership settings, shared by the guild and gateway modules. */
export const guildMembershipConfigSchema = ringMembershipSchema('CHAT_GUILD_RING', 'guild node', { probeIntervalMs: 500, probeFailures: 3 });

/** The guild ring membership settings as loaded. */
export type GuildMembershipConfig = ConfigOf<typeof guildMembershipConfigSchema>;

/** The defaults, for callers that build a config by hand. */
export const defaultGuildMembershipConfig: GuildMembershipConfig = { membership: 'probe', probeIntervalMs: 500, probeFailures: 3 };

/** The guild ring's membership for `members` (GuildService health; `self` is never probed). */
export function guildRingMembership(members: readonly Member[], config: GuildMembershipConfig, self?: string): Membership {
  return healthProbedMembership(serviceNameOf(guildV1.GuildServiceService), members, config, self);
}
