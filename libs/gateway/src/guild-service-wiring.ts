/**
 * The gateway wired to the guild service:
 * a GuildRouter over the guild ring, the GatewayRelay (StreamDispatches per
 * guild node) for sessions, GuildService.ListMembers for op 8, and
 * GuildService.PublishEvent for the REST API's guild events.
 */
import { GuildRouter, guildRingMembership, type GuildMembershipConfig } from '@chat/guild-client';
import { guildV1 } from '@chat/proto';
import type { Member, Membership } from '@chat/ring';
import { GatewayRelay } from './relay';
import type { RestDispatch } from './rest';
import { guildServiceMemberLister } from './session/guild-service-member-lister';
import type { MemberLister } from './session/member-lister';
import type { SessionVoice } from './session/session-voice';

/** What the gateway module uses when the guild service is wired. */
export interface GuildServiceWiring {
  readonly router: GuildRouter;
  readonly relay: GatewayRelay;
  readonly members: MemberLister;
  /**
   * REST's publishGuildEvent over GuildService.PublishEvent on the owner
   * node; while the owner is unreachable it retries on whichever node owns
   * the guild then (the ring drops a dead node after the probe failures),
   * for up to `publishRetryMs`.
   */
  publish(guildId: string, dispatch: RestDispatch): Promise<void>;
  /** Gateway op 4 over GuildService.UpdateVoiceState on the guild's owner (no retry: the client may send op 4 again). */
  readonly voice: SessionVoice;
  /** ModerateVoiceState on the guild's owner (REST PATCH member mute, deaf, channel_id). */
  moderateVoice(request: guildV1.ModerateVoiceStateRequest): Promise<guildV1.ModerateVoiceStateResponse>;
  close(): void;
}

/** Builds the router, relay and publishers for the given guild ring. */
export async function wireGuildService(options: {
  nodeId: string;
  guildNodes: readonly Member[];
  /** How dead guild nodes leave the ring. */
  membership: GuildMembershipConfig;
  timeoutMs: number;
  /** How long a guild event keeps being retried on the guild's (new) owner; default 15 000 ms. */
  publishRetryMs?: number;
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
    moderateVoice: (request) => router.clientFor(request.guildId).moderateVoiceState(request, { timeoutMs: options.timeoutMs }),
    async publish(guildId, dispatch) {
      const request: guildV1.PublishEventRequest = {
        guildId,
        dispatch: {
          type: dispatch.type,
          payloadJson: Buffer.from(dispatch.payloadJson, 'utf8'),
          redactedPayloadJson: Buffer.from(dispatch.redactedPayloadJson ?? '', 'utf8'),
          filter: {
            ...(dispatch.channelId === undefined ? {} : { channelId: dispatch.channelId }),
            ...(dispatch.authorId === undefined ? {} : { authorId: dispatch.authorId }),
            intents: 0,
            audience: guildV1.Audience.UNSPECIFIED,
            mentionedUserIds: dispatch.mentionedUserIds ?? [],
            mentionedRoleIds: dispatch.mentionedRoleIds ?? [],
            mentionEveryone: dispatch.mentionEveryone ?? false,
            targetSessionIds: [],
            targetUserIds: [],
          },
        },
        dedupeKey: dispatch.dedupeKey ?? '',
      };
      await router.withOwner(guildId, (client) => client.publishEvent(request, { timeoutMs: options.timeoutMs }), { retryForMs: options.publishRetryMs ?? 15_000 });
    },
    close() {
      void membership.stop();
      router.close();
    },
  };
}
