/**
 * The gateway wired to the guild service (CHAT_GATEWAY_GUILDS=guild-service):
 * a GuildRouter over the guild ring, the GatewayRelay (StreamDispatches per
 * guild node) for sessions, GuildService.ListMembers for op 8, and
 * GuildService.PublishEvent for the REST API's guild events.
 */
import { GuildRouter } from '@chat/guild-client';
import { guildV1 } from '@chat/proto';
import { StaticMembership, type Member } from '@chat/ring';
import { GatewayRelay } from './relay';
import type { RestDispatch } from './rest';
import { guildServiceMemberLister } from './session/guild-service-member-lister';
import type { MemberLister } from './session/member-lister';

/** What the gateway module uses when the guild service is wired. */
export interface GuildServiceWiring {
  readonly router: GuildRouter;
  readonly relay: GatewayRelay;
  readonly members: MemberLister;
  /** REST's publishGuildEvent over GuildService.PublishEvent on the owner node. */
  publish(guildId: string, dispatch: RestDispatch): Promise<void>;
  close(): void;
}

/** Builds the router, relay and publishers for the given guild ring. */
export async function wireGuildService(options: {
  nodeId: string;
  guildNodes: readonly Member[];
  timeoutMs: number;
  onError: (error: unknown, context: string) => void;
}): Promise<GuildServiceWiring> {
  const router = new GuildRouter({ membership: new StaticMembership(options.guildNodes) });
  await router.start();
  const relay = new GatewayRelay({ nodeId: options.nodeId, guilds: router, timeoutMs: options.timeoutMs, onError: options.onError });
  return {
    router,
    relay,
    members: guildServiceMemberLister((guildId) => router.clientFor(guildId), options.timeoutMs),
    async publish(guildId, dispatch) {
      await router.clientFor(guildId).publishEvent(
        {
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
        },
        { timeoutMs: options.timeoutMs },
      );
    },
    close() {
      router.close();
    },
  };
}
