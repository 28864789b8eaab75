/**
 * chat.gateway.v1.GatewayService against this node's sessions:
 * DispatchToUsers, AttachUserToGuild and DisconnectUser.
 */
import type { AsyncHandlers } from '@chat/rpc';
import { gatewayV1 } from '@chat/proto';
import { createDispatchFrame } from '../relay/local-sessions';
import type { SessionHub } from '../session/session-hub';
import { GatewayInvalidArgumentError, SessionNotHeldError, SessionSequenceAheadError } from './errors';

/** How long FinishSessionHandoff waits for the guilds' SessionMoved fences. */
const FENCE_WAIT_MS = 2_000;

const SNOWFLAKE = /^\d{1,20}$/;

function checkIds(ids: readonly string[], field: string): void {
  for (const id of ids) if (!SNOWFLAKE.test(id)) throw new GatewayInvalidArgumentError(field, id);
}

function checkSessionId(sessionId: string): void {
  if (!/^[0-9a-f]{1,64}$/.test(sessionId)) throw new GatewayInvalidArgumentError('session_id', sessionId.slice(0, 64));
}

/** Builds the GatewayService handlers over a session hub. */
export function gatewayServiceHandlers(hub: SessionHub): AsyncHandlers<typeof gatewayV1.GatewayServiceService> {
  return {
    async dispatchToUsers(request) {
      checkIds(request.userIds, 'user_ids');
      if (request.shardGuildId !== undefined) checkIds([request.shardGuildId], 'shard_guild_id');
      if (!/^[A-Z0-9_]{1,64}$/.test(request.type)) throw new GatewayInvalidArgumentError('type', request.type);
      const frame = createDispatchFrame(request.type, request.payloadJson);
      return { deliveredSessions: hub.deliverToUsers(request.userIds, frame, { exclude: request.excludeSessionIds, intents: request.intents, ...(request.shardGuildId !== undefined ? { shardGuildId: request.shardGuildId } : {}), only: request.sessionIds }) };
    },
    async attachUserToGuild(request) {
      checkIds([request.userId, request.guildId], 'user_id/guild_id');
      return { attachedSessions: await hub.attachUserToGuild(request.userId, request.guildId) };
    },
    async disconnectUser(request) {
      checkIds([request.userId], 'user_id');
      if (request.closeCode < 4000 || request.closeCode > 4999) throw new GatewayInvalidArgumentError('close_code', String(request.closeCode));
      if (Buffer.byteLength(request.reason) > 123) throw new GatewayInvalidArgumentError('reason', 'longer than 123 bytes');
      return { closedSessions: hub.disconnectUser(request.userId, request.closeCode, request.reason) };
    },
    async beginSessionHandoff(request) {
      checkSessionId(request.sessionId);
      checkIds([request.userId], 'user_id');
      const sequence = Number(request.sequence);
      const answer = await hub.beginHandoff(request.sessionId, request.userId, sequence);
      if (answer.outcome === 'invalid-seq') throw new SessionSequenceAheadError(request.sessionId, sequence);
      if (answer.outcome !== 'ok') throw new SessionNotHeldError(request.sessionId);
      const session = hub.registry.get(request.sessionId)!;
      return {
        intents: session.intents,
        shardId: session.shard?.id ?? 0,
        shardCount: session.shard?.count ?? 0,
        allowPassive: session.allowPassive,
        largeThreshold: session.largeThreshold,
        guildIds: [...answer.guildIds],
      };
    },
    async finishSessionHandoff(request) {
      checkSessionId(request.sessionId);
      checkIds(request.movedGuildIds, 'moved_guild_ids');
      const done = await hub.finishHandoff(request.sessionId, Number(request.sequence), request.movedGuildIds, FENCE_WAIT_MS);
      if (!done) throw new SessionNotHeldError(request.sessionId);
      return {
        dispatches: done.frames.map((frame) => ({ body: frame.body, type: frame.type, guildId: frame.guildId ?? '' })),
        unfencedGuildIds: done.unfenced,
      };
    },
  };
}
