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
      return { deliveredSessions: hub.deliverToUsers(request.userIds, frame, { exclude: request.excludeSessionIds, intents: request.intents }) };
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
  };
}
