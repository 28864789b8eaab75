/**
 * GuildService over gRPC: validate, route to the guild actor, map the
 * result. Calls for guilds this node does not own fail with
 * GuildNotOwnedError (UNAVAILABLE, owner named in the message); AttachSession
 * lists such guilds in unavailable_guild_ids instead.
 */
import { guildV1 } from '@chat/proto';
import type { AsyncHandlers, HandlerContext } from '@chat/rpc';
import { InvalidGuildRequestError } from './errors';
import type { GuildNode } from './guild-node';
import type { SubscriptionResult } from './guild.messages';
import { requireSnowflake } from './ids';
import { presenceRecord } from './presence';
import { stampTrace } from './publish-tracing';
import { limitOf } from './member-listing';

type Handlers = AsyncHandlers<typeof guildV1.GuildServiceService>;

/** Sessions per AttachSessions / DetachSessions call (the gateway's coalescers send at most 5,000). */
export const MAX_BATCH = 10_000;

function requireText(field: string, value: string, max = 128): string {
  if (value === '' || value.length > max) throw new InvalidGuildRequestError(field, `must be 1..${max} characters`);
  return value;
}

function timeoutOf(context: HandlerContext): number | undefined {
  return context.deadline ? Math.max(1, context.deadline.getTime() - Date.now()) : undefined;
}

/** AttachSession for one session: the guilds this node owns are attached in their actors, in parallel. */
async function attachOne(node: GuildNode, request: guildV1.AttachSessionRequest, context: HandlerContext): Promise<guildV1.AttachSessionResponse> {
  requireText('session_id', request.sessionId);
  requireSnowflake('user_id', request.userId);
  requireText('node_id', request.nodeId);
  request.guildIds.forEach((g) => requireSnowflake('guild_ids', g));
  if (request.largeThreshold !== 0 && (request.largeThreshold < 50 || request.largeThreshold > 250)) {
    throw new InvalidGuildRequestError('large_threshold', 'must be 0 or 50..250');
  }
  const response: guildV1.AttachSessionResponse = { guilds: [], unavailableGuildIds: [], notMemberGuildIds: [] };
  const input = {
    sessionId: request.sessionId,
    userId: request.userId,
    nodeId: request.nodeId,
    intents: request.intents,
    allowPassive: request.allowPassive,
    largeThreshold: request.largeThreshold,
    resuming: request.resuming,
    ...(request.movedFromSequence !== '0' && request.movedFromSequence !== '' ? { movedFromSequence: BigInt(request.movedFromSequence) } : {}),
    ...(request.presence ? { presence: presenceRecord(request.presence) } : {}),
  };
  const results = await Promise.allSettled(
    request.guildIds.map((guildId) =>
      node.owns(guildId)
        ? node.ask<guildV1.GuildAttachment | undefined>(guildId, (reply) => ({ type: 'attach', input, reply }), timeoutOf(context))
        : Promise.reject(new Error('not owned')),
    ),
  );
  results.forEach((result, i) => {
    const guildId = request.guildIds[i]!;
    if (result.status === 'rejected') {
      if ((result.reason as { kind?: string }).kind === 'not_found') response.notMemberGuildIds.push(guildId);
      else response.unavailableGuildIds.push(guildId);
    } else if (result.value === undefined) response.notMemberGuildIds.push(guildId);
    else response.guilds.push(result.value);
  });
  return response;
}

/** Builds the GuildService handlers of a guild node. */
export function guildServiceHandlers(node: GuildNode): Handlers {
  return {
    attachSession: (request, context) => attachOne(node, request, context),

    async attachSessions(request, context) {
      if (request.sessions.length > MAX_BATCH) throw new InvalidGuildRequestError('sessions', `at most ${MAX_BATCH} per call`);
      // Each entry is validated and answered on its own: one bad entry fails the call, as it would fail its AttachSession.
      const results = await Promise.all(request.sessions.map((entry) => attachOne(node, entry, context)));
      return { results };
    },

    async detachSession(request, context) {
      requireText('session_id', request.sessionId);
      const guildIds = request.guildIds.length > 0 ? request.guildIds : node.activeGuildIds();
      await Promise.all(
        guildIds
          .filter((g) => node.owns(g) && node.isActive(g))
          .map((g) => node.ask<void>(g, (reply) => ({ type: 'detach', sessionId: request.sessionId, nodeId: request.nodeId, reply }), timeoutOf(context))),
      );
      return {};
    },

    async detachSessions(request, context) {
      if (request.sessions.length > MAX_BATCH) throw new InvalidGuildRequestError('sessions', `at most ${MAX_BATCH} per call`);
      // Grouped by guild, so each guild actor gets its share in one go (one ask per guild, not per session).
      const byGuild = new Map<string, { sessionId: string; nodeId: string }[]>();
      let everyGuild: string[] | undefined;
      for (const entry of request.sessions) {
        requireText('sessions.session_id', entry.sessionId);
        const guildIds = entry.guildIds.length > 0 ? entry.guildIds : (everyGuild ??= node.activeGuildIds());
        const detach = { sessionId: entry.sessionId, nodeId: entry.nodeId };
        for (const guildId of guildIds) {
          const list = byGuild.get(guildId);
          if (list) list.push(detach);
          else byGuild.set(guildId, [detach]);
        }
      }
      await Promise.all([...byGuild].map(([guildId, sessions]) => node.detachSessions(guildId, sessions, timeoutOf(context))));
      return {};
    },

    async updateGuildSubscriptions(request, context) {
      requireText('session_id', request.sessionId);
      const results: guildV1.GuildSubscriptionResult[] = [];
      for (const sub of request.subscriptions) {
        requireSnowflake('guild_id', sub.guildId);
        const result = await node.ask<SubscriptionResult | undefined>(sub.guildId, (reply) => ({ type: 'subscribe', sessionId: request.sessionId, active: sub.active, reply }), timeoutOf(context));
        if (result === undefined) throw new InvalidGuildRequestError('session_id', `is not attached to guild ${sub.guildId}`);
        results.push({ guildId: sub.guildId, ...result });
      }
      return { results };
    },

    async updatePresence(request, context) {
      requireSnowflake('user_id', request.userId);
      if (!request.presence) throw new InvalidGuildRequestError('presence', 'is required');
      const presence = presenceRecord(request.presence);
      request.guildIds.forEach((g) => requireSnowflake('guild_ids', g));
      await Promise.all(request.guildIds.map((g) => node.ask<void>(g, (reply) => ({ type: 'presence', userId: request.userId, presence, reply }), timeoutOf(context))));
      return {};
    },

    async publishEvent(request, context) {
      requireSnowflake('guild_id', request.guildId);
      const dispatch = request.dispatch;
      if (!dispatch || !/^[A-Z0-9_]{1,64}$/.test(dispatch.type)) throw new InvalidGuildRequestError('dispatch.type', 'must be a Discord dispatch name');
      if (dispatch.payloadJson.length === 0) throw new InvalidGuildRequestError('dispatch.payload_json', 'is required');
      // The actor keeps the dispatch in its replay log (4,096 items): its own exact-size copies of the payloads, not views
      // into the decoded request, which can pin a whole request buffer or an 8 KiB pool slab per item.
      const kept = { ...dispatch, payloadJson: ownBytes(dispatch.payloadJson), redactedPayloadJson: ownBytes(dispatch.redactedPayloadJson) };
      return node.ask<guildV1.PublishEventResponse>(request.guildId, (reply) => ({ type: 'publish', dispatch: stampTrace(kept), dedupeKey: request.dedupeKey, reply }), timeoutOf(context));
    },

    async *streamDispatches(request, context) {
      requireText('node_id', request.nodeId);
      const stream = node.batcher.open(request.nodeId);
      context.signal.addEventListener('abort', () => node.batcher.closed(stream), { once: true });
      try {
        const resync: string[] = [];
        for (const cursor of request.cursors) {
          const ok =
            node.owns(cursor.guildId) && node.isActive(cursor.guildId)
              ? await node.ask<boolean>(cursor.guildId, (reply) => ({ type: 'replay', nodeId: request.nodeId, after: BigInt(cursor.sequence), reply })).catch(() => false)
              : false;
          if (!ok) resync.push(cursor.guildId);
        }
        yield { frame: { $case: 'hello', hello: { guildNodeId: node.nodeId, incarnation: node.incarnation, resyncGuildIds: resync } } };
        node.batcher.resume(stream);
        for await (const frame of stream) yield frame;
      } finally {
        node.batcher.closed(stream);
        node.streamEnded(request.nodeId);
      }
    },

    async getGuild(request, context) {
      requireSnowflake('guild_id', request.guildId);
      return node.ask<guildV1.GetGuildResponse>(request.guildId, (reply) => ({ type: 'get-guild', reply }), timeoutOf(context));
    },

    async getPermissions(request, context) {
      requireSnowflake('guild_id', request.guildId);
      requireSnowflake('user_id', request.userId);
      if (request.channelId !== undefined) requireSnowflake('channel_id', request.channelId);
      const channelId = request.channelId;
      return node.ask<guildV1.GetPermissionsResponse>(
        request.guildId,
        (reply) => (channelId === undefined ? { type: 'get-permissions', userId: request.userId, reply } : { type: 'get-permissions', userId: request.userId, channelId, reply }),
        timeoutOf(context),
      );
    },

    async listMembers(request, context) {
      requireSnowflake('guild_id', request.guildId);
      if (request.after !== '') requireSnowflake('after', request.after);
      request.userIds.forEach((u) => requireSnowflake('user_ids', u));
      if (request.limit > 1000) throw new InvalidGuildRequestError('limit', 'must be 1..1000');
      limitOf(request);
      return node.ask<guildV1.ListMembersResponse>(request.guildId, (reply) => ({ type: 'list-members', request, reply }), timeoutOf(context));
    },

    async updateVoiceState(request, context) {
      requireSnowflake('guild_id', request.guildId);
      requireSnowflake('user_id', request.userId);
      requireText('session_id', request.sessionId);
      if (request.channelId !== undefined) requireSnowflake('channel_id', request.channelId);
      const input = { userId: request.userId, sessionId: request.sessionId, selfMute: request.selfMute, selfDeaf: request.selfDeaf, ...(request.channelId === undefined ? {} : { channelId: request.channelId }) };
      return node.ask<guildV1.UpdateVoiceStateResponse>(request.guildId, (reply) => ({ type: 'voice-update', input, reply }), timeoutOf(context));
    },

    async moderateVoiceState(request, context) {
      requireSnowflake('guild_id', request.guildId);
      requireSnowflake('user_id', request.userId);
      requireSnowflake('actor_user_id', request.actorUserId);
      if (request.channelId !== undefined) requireSnowflake('channel_id', request.channelId);
      const input = {
        userId: request.userId,
        actorUserId: request.actorUserId,
        disconnect: request.disconnect,
        ...(request.mute === undefined ? {} : { mute: request.mute }),
        ...(request.deaf === undefined ? {} : { deaf: request.deaf }),
        ...(request.channelId === undefined ? {} : { channelId: request.channelId }),
      };
      return node.ask<guildV1.ModerateVoiceStateResponse>(request.guildId, (reply) => ({ type: 'voice-moderate', input, reply }), timeoutOf(context));
    },
  };
}

/** A copy of `bytes` in a buffer of its own, exactly its size. */
function ownBytes(bytes: Buffer): Buffer {
  const copy = new Uint8Array(bytes);
  return Buffer.from(copy.buffer, 0, copy.length);
}
