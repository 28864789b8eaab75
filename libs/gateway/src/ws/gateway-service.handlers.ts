/**
 * chat.gateway.v1.GatewayService against this node's sessions:
 * DispatchToUsers, AttachUserToGuild and DisconnectUser.
 */
import type { AsyncHandlers } from '@chat/rpc';
import { gatewayV1 } from '@chat/proto';
import { createDispatchFrame } from '../relay/local-sessions';
import type { SessionHub } from '../session/session-hub';
import { GatewayInvalidArgumentError } from './errors';

const SNOWFLAKE = /^\d{1,20}$/;

function checkIds(ids: readonly string[], field: string): void {
  for (const id of ids) if (!SNOWFLAKE.test(id)) throw new GatewayInvalidArgumentError(field, id);
}

/** Builds the GatewayService handlers over a session hub. */
export function gatewayServiceHandlers(hub: SessionHub): AsyncHandlers<typeof gatewayV1.GatewayServiceService> {
  return {
    async dispatchToUsers(request) {
      checkIds(request.userIds, 'user_ids');
      if (!/^[A-Z0-9_]{1,64}$/.test(request.type)) throw new GatewayInvalidArgumentError('type', request.type);
      const frame = createDispatchFrame(request.type, request.payloadJson);
      const excluded = new Set(request.excludeSessionIds);
      let delivered = 0;
      for (const userId of new Set(request.userIds)) {
        for (const session of hub.registry.forUser(userId)) {
          if (excluded.has(session.sessionId)) continue;
          if (request.intents !== 0 && (session.intents & request.intents) === 0) continue;
          session.deliver(frame);
          delivered += 1;
        }
      }
      return { deliveredSessions: delivered };
    },
    async attachUserToGuild(request) {
      checkIds([request.userId, request.guildId], 'user_id/guild_id');
      const results = await Promise.all(
        hub.registry.forUser(request.userId).map((session) =>
          hub.find(session.sessionId)?.ask<boolean>((reply) => ({ type: 'attach-guild', guildId: request.guildId, reply }), { timeoutMs: 5_000 }).catch(() => false),
        ),
      );
      return { attachedSessions: results.filter((ok) => ok === true).length };
    },
    async disconnectUser(request) {
      checkIds([request.userId], 'user_id');
      if (request.closeCode < 4000 || request.closeCode > 4999) throw new GatewayInvalidArgumentError('close_code', String(request.closeCode));
      if (Buffer.byteLength(request.reason) > 123) throw new GatewayInvalidArgumentError('reason', 'longer than 123 bytes');
      const sessions = hub.registry.forUser(request.userId);
      for (const session of sessions) hub.find(session.sessionId)?.send({ type: 'end', code: request.closeCode, reason: request.reason });
      return { closedSessions: sessions.length };
    },
  };
}
