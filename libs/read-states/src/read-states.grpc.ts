import type { readstatesV1 } from '@chat/proto';
import type { AsyncHandlers } from '@chat/rpc';
import { isSnowflake } from '@chat/snowflake';
import { InvalidReadStateFieldError } from './errors';
import { toProtoReadState, type ReadStatesService } from './read-states-service';

type Handlers = AsyncHandlers<typeof readstatesV1.ReadStateServiceService>;

function snowflake(field: string, value: string): string {
  if (!isSnowflake(value)) throw new InvalidReadStateFieldError(field, value);
  return value;
}

/** ReadStateService over a {@link ReadStatesService}; malformed ids are INVALID_ARGUMENT. */
export function readStatesHandlers(service: ReadStatesService): Handlers {
  return {
    async ack(request) {
      const mentionCount = request.mentionCount;
      if (mentionCount !== undefined && !(Number.isInteger(mentionCount) && mentionCount >= 0 && mentionCount < 2 ** 31)) {
        throw new InvalidReadStateFieldError('mention_count', mentionCount, 'an integer 0..2^31-1');
      }
      const state = await service.ack({
        userId: snowflake('user_id', request.userId),
        channelId: snowflake('channel_id', request.channelId),
        messageId: snowflake('message_id', request.messageId),
        ...(mentionCount === undefined ? {} : { mentionCount }),
        sessionId: request.sessionId,
      });
      return { readState: toProtoReadState(state) };
    },
    async getReadState(request) {
      return { readState: toProtoReadState(await service.get(snowflake('user_id', request.userId), snowflake('channel_id', request.channelId))) };
    },
    async getReadStates(request) {
      const userId = snowflake('user_id', request.userId);
      const channelIds = request.channelIds.map((id, i) => snowflake(`channel_ids[${i}]`, id));
      return { readStates: (await service.list(userId, channelIds)).map(toProtoReadState) };
    },
  };
}
