/**
 * The gateway wired to the guild service:
 * a GuildRouter over the guild ring, the GatewayRelay (StreamDispatches per
 * guild node) for sessions, GuildService.ListMembers for op 8 and
 * GuildService.UpdateVoiceState for op 4.
 */
import { GuildRouter, guildRingMembership, type GuildMembershipConfig } from '@chat/guild-client';
import type { Member, Membership } from '@chat/ring';
import { GatewayRelay } from './relay';
import { guildServiceMemberLister } from './session/guild-service-member-lister';
import type { MemberLister } from './session/member-lister';
import type { SessionVoice } from './session/session-voice';

/** What the gateway module uses when the guild service is wired. */
export interface GuildServiceWiring {
  readonly router: GuildRouter;
  readonly relay: GatewayRelay;
  readonly members: MemberLister;
  /** Gateway op 4 over GuildService.UpdateVoiceState on the guild's owner (no retry: the client may send op 4 again). */
  readonly voice: SessionVoice;
  close(): void;
}

/** Builds the router, relay and publishers for the given guild ring. */
export async function wireGuildService(options: {
  nodeId: string;
  guildNodes: readonly Member[];
  /** How dead guild nodes leave the ring. */
  membership: GuildMembershipConfig;
  timeoutMs: number;
  onError: (error: unknown, context: string) => void;
}): Promise<GuildServiceWiring> {
  const membership: Membership = guildRingMembership(options.guildNodes, options.membership);
  const router = new GuildRouter({ membership });
  await router.start();
  const relay = new GatewayRelay({ nodeId: options.nodeId, guilds: router, timeoutMs: options.timeoutMs, onError: options.onError });
  return {
    router,
    relay,
    members: guildServiceMemberLister((guildId) => router.clientFor(guildId), options.timeoutMs),
    voice: {
      async updateVoiceState(sessionId, userId, update) {
        await router.clientFor(update.guildId).updateVoiceState(
          { guildId: update.guildId, userId, sessionId, ...(update.channelId === null ? {} : { channelId: update.channelId }), selfMute: update.selfMute, selfDeaf: update.selfDeaf, selfVideo: false },
          { timeoutMs: options.timeoutMs },
        );
      },
    },
    close() {
      void membership.stop();
      router.close();
    },
  };
}
