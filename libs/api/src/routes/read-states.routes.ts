/** Read states: POST /channels/{channel.id}/messages/{message.id}/ack (Discord's client API). */
import { z } from 'zod';
import { loadChannelAccess } from '../access';
import { RestError } from '../errors';
import type { HttpMethod } from '../route-context';
import { ok, type RouteDefinition } from '../route-context';
import { parseBody, snowflakeParam } from '../validation';

const ackBody = z.object({
  token: z.string().nullable().optional(),
  /** A manual ack ("mark unread"): moves the marker back, with mention_count. */
  manual: z.boolean().optional(),
  mention_count: z.number().int().min(0).max(2 ** 31 - 1).optional(),
});

/** The read-state routes. */
export function readStateRoutes(): [HttpMethod, string, RouteDefinition][] {
  return [
    [
      'POST',
      '/channels/:channelId/messages/:messageId/ack',
      {
        auth: 'required',
        bucket: 'messages.ack',
        major: 'channelId',
        callers: 'users',
        handler: async ({ deps, caller, params, body }) => {
          const messageId = snowflakeParam(params.messageId, 'message_id');
          await loadChannelAccess(deps.store.guilds, params.channelId ?? '', caller!.user.id);
          const input = parseBody(ackBody, body);
          if (!deps.readStates) throw new RestError(503, 0, 'Read states are not available on this node');
          await deps.readStates.ack({
            userId: caller!.user.id,
            channelId: params.channelId!,
            messageId,
            ...(input.manual && input.mention_count !== undefined ? { mentionCount: input.mention_count } : {}),
          });
          return ok({ token: null });
        },
      },
    ],
  ];
}
