/**
 * Guild events and voice moderation from the API to the guild that owns
 * them: GuildService.PublishEvent and ModerateVoiceState on the guild's owner
 * on the guild ring. While the owner is unreachable an event is retried on
 * whichever node owns the guild then (the ring drops a dead node after its
 * probe failures), for up to `publishRetryMs`.
 */
import type { GuildRouter } from '@chat/guild-client';
import { guildV1 } from '@chat/proto';
import type { RestDispatch, RestVoice } from '../rest-deps';

/** What the API sends to guilds. */
export interface GuildEvents {
  publish(guildId: string, dispatch: RestDispatch): Promise<void>;
  readonly voice: RestVoice;
}

/** GuildEvents over a guild router; each call has a deadline of `timeoutMs`. */
export function guildEvents(router: GuildRouter, options: { timeoutMs: number; publishRetryMs?: number }): GuildEvents {
  return {
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
    voice: {
      async moderate(input) {
        await router.clientFor(input.guildId).moderateVoiceState(input, { timeoutMs: options.timeoutMs });
      },
    },
  };
}
