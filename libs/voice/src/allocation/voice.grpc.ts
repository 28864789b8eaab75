import type { voiceV1 } from '@chat/proto';
import type { AsyncHandlers } from '@chat/rpc';
import { isSnowflake } from '@chat/snowflake';
import { InvalidVoiceFieldError } from '../errors';
import type { VoiceAllocator } from './voice-allocator';

type Handlers = AsyncHandlers<typeof voiceV1.VoiceServiceService>;

function snowflake(field: string, value: string): string {
  if (!isSnowflake(value)) throw new InvalidVoiceFieldError(field, value);
  return value;
}

function sessionId(field: string, value: string, allowEmpty: boolean): string {
  if (value === '' && allowEmpty) return value;
  if (!/^[\x21-\x7e]{1,128}$/.test(value)) throw new InvalidVoiceFieldError(field, value, 'a session id (1..128 printable ASCII characters)');
  return value;
}

/** VoiceService over a {@link VoiceAllocator}: validate ids, call it, map the result. */
export function voiceHandlers(allocator: VoiceAllocator): Handlers {
  return {
    async allocateServer(request) {
      const allocation = allocator.allocate({
        guildId: snowflake('guild_id', request.guildId),
        channelId: snowflake('channel_id', request.channelId),
        userId: snowflake('user_id', request.userId),
        sessionId: sessionId('session_id', request.sessionId, false),
      });
      return {
        server: {
          endpoint: allocation.endpoint,
          token: allocation.token,
          expiresAt: allocation.expiresAt,
          voiceNodeId: allocation.voiceNodeId,
        },
      };
    },
    async revokeSession(request) {
      const revokedSessions = allocator.revoke(
        snowflake('guild_id', request.guildId),
        snowflake('user_id', request.userId),
        sessionId('session_id', request.sessionId, true),
      );
      return { revokedSessions };
    },
    async updateParticipant(request) {
      allocator.update(snowflake('guild_id', request.guildId), snowflake('channel_id', request.channelId), snowflake('user_id', request.userId), {
        mute: request.mute,
        deaf: request.deaf,
        selfMute: request.selfMute,
        selfDeaf: request.selfDeaf,
      });
      return {};
    },
    async getCall(request) {
      return { participants: allocator.describe(snowflake('guild_id', request.guildId), snowflake('channel_id', request.channelId)) };
    },
  };
}
