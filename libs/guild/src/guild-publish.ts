/**
 * PublishEvent inside the guild actor's turn: fill the filter's defaults
 * from the event type, apply guild-state events (the caller has persisted
 * them; the actor reloads what changed), emit MemberAccess items for members
 * whose view changed, then the dispatch itself, then follow-ups
 * (MemberRemoved, PASSIVE_UPDATE_V1 for passive sessions' unread markers).
 */
import { guildV1 } from '@chat/proto';
import { changesMember, changesStructure, defaultAudience, defaultIntents } from './dispatch-defaults';
import { reloadMember, reloadStructure } from './guild-state';
import { emit, nodesOf, refreshAccess, type GuildActorDeps, type GuildState } from './guild-fanout';

function parse(payload: Buffer): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(payload.toString('utf8'));
    return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

function str(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

function userIdOf(d: Record<string, unknown>): string | undefined {
  const user = d['user'];
  return typeof user === 'object' && user !== null ? str((user as Record<string, unknown>)['id']) : undefined;
}

/** Applies and fans out one published dispatch; returns its sequence. */
export async function applyPublish(state: GuildState, deps: GuildActorDeps, input: guildV1.Dispatch): Promise<bigint> {
  const type = input.type;
  const filter: guildV1.DispatchFilter = {
    mentionedUserIds: [],
    mentionedRoleIds: [],
    mentionEveryone: false,
    targetSessionIds: [],
    targetUserIds: [],
    intents: 0,
    audience: guildV1.Audience.UNSPECIFIED,
    ...input.filter,
  };
  if (filter.intents === 0) filter.intents = defaultIntents(type);
  if (filter.audience === guildV1.Audience.UNSPECIFIED) filter.audience = defaultAudience(type);
  const needsPayload = changesMember(type) || type.startsWith('CHANNEL_') || type === 'MESSAGE_CREATE';
  const d = needsPayload ? parse(input.payloadJson) : {};

  let removedUser: string | undefined;
  if (changesStructure(type)) {
    await reloadStructure(deps.store, state.data);
    if ((type === 'CHANNEL_CREATE' || type === 'CHANNEL_UPDATE') && filter.channelId === undefined && str(d['id'])) filter.channelId = str(d['id']);
    refreshAccess(state, deps);
  } else if (changesMember(type)) {
    const userId = userIdOf(d);
    if (userId !== undefined) {
      const still = await reloadMember(deps.store, state.data, userId);
      if (still) refreshAccess(state, deps, userId);
      else removedUser = userId;
    }
  }
  let lastMessage: { channelId: string; messageId: string } | undefined;
  if (type === 'MESSAGE_CREATE') {
    const channelId = str(d['channel_id']);
    const messageId = str(d['id']);
    if (filter.channelId === undefined && channelId !== undefined) filter.channelId = channelId;
    if (filter.authorId === undefined) filter.authorId = userIdOf({ user: d['author'] });
    const channel = channelId === undefined ? undefined : state.data.channels.get(channelId);
    if (channel && messageId !== undefined) {
      channel.lastMessageId = messageId;
      lastMessage = { channelId: channel.id, messageId };
    }
  }
  const dispatch: guildV1.Dispatch = { ...input, filter };
  // Removed members still get the event (GUILD_MEMBER_REMOVE or GUILD_DELETE targeted at them) before MemberRemoved.
  const sequence = emit(state, deps, nodesOf(state), { $case: 'dispatch', dispatch });
  if (type === 'GUILD_DELETE') {
    // The guild is gone: every attached member leaves it; the actor stops after this turn.
    for (const userId of new Set([...state.sessions.values()].map((s) => s.userId))) {
      emit(state, deps, nodesOf(state, userId), { $case: 'memberRemoved', memberRemoved: { userId } });
    }
    state.sessions.clear();
    deps.onSessionsChanged?.(state.data.guild.id, 0);
  }
  if (removedUser !== undefined) {
    const nodes = nodesOf(state, removedUser);
    for (const [id, s] of state.sessions) if (s.userId === removedUser) state.sessions.delete(id);
    deps.onSessionsChanged?.(state.data.guild.id, state.sessions.size);
    if (nodes.length > 0) emit(state, deps, nodes, { $case: 'memberRemoved', memberRemoved: { userId: removedUser } });
  }
  if (lastMessage && [...state.sessions.values()].some((s) => s.mode === guildV1.SessionMode.PASSIVE)) {
    const payload = { guild_id: state.data.guild.id, channels: [{ id: lastMessage.channelId, last_message_id: lastMessage.messageId }], voice_states: [], members: [] };
    emit(state, deps, nodesOf(state), {
      $case: 'dispatch',
      dispatch: {
        type: 'PASSIVE_UPDATE_V1',
        payloadJson: Buffer.from(JSON.stringify(payload)),
        redactedPayloadJson: Buffer.alloc(0),
        filter: { channelId: lastMessage.channelId, intents: 0, audience: guildV1.Audience.PASSIVE, mentionedUserIds: [], mentionedRoleIds: [], mentionEveryone: false, targetSessionIds: [], targetUserIds: [] },
      },
    });
  }
  return sequence;
}
