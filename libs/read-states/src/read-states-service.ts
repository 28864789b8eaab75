import { createEnvelope, encodeEnvelope, READ_STATES_TOPIC, type EventBus } from '@chat/bus';
import type { readstatesV1 } from '@chat/proto';
import { compareSnowflakes as compareIds } from '@chat/snowflake';
import type { GuildStore, ReadState, ReadStateStore } from '@chat/store';
import { mentionAudience, type MessageMentions } from './mention-audience';
import type { ReadStateCache } from './read-state-cache';

/** What a {@link ReadStatesService} works with. */
export interface ReadStatesServiceDeps {
  cache: ReadStateCache;
  store: ReadStateStore;
  guilds: Pick<GuildStore, 'getChannel' | 'getGuild' | 'listRoles' | 'getMember' | 'listMembers'>;
  bus: EventBus;
  nextEventId: () => string;
  memberPageSize: number;
  /** Whether this instance owns a user on the read-states ring (default: every user). Mentions of other users are left to their owner. */
  owns?: (userId: string) => boolean;
  /** Counts what happened (metrics). */
  observer?: { acked?(): void; mentionCounted?(users: number): void; ackPublishFailed?(error: unknown): void };
}

/** An ack as the API takes it. */
export interface AckInput {
  userId: string;
  channelId: string;
  messageId: string;
  /** Set for a manual "mark unread": the marker moves back to messageId with this many mentions. */
  mentionCount?: number;
  /** The session that acked (not sent MESSAGE_ACK). */
  sessionId: string;
}

/**
 * Read states: acks move a user's marker in a channel and reset its mention
 * count; message events add mentions and move the author's own marker.
 * Everything goes through the LRU cache, which writes in batches.
 */
export class ReadStatesService {
  constructor(private readonly deps: ReadStatesServiceDeps) {}

  /** POST /channels/{c}/messages/{m}/ack. An older ack does not move the marker back unless mentionCount is given. */
  async ack(input: AckInput): Promise<ReadState> {
    const state = await this.deps.cache.update(input.userId, input.channelId, (current) => {
      if (input.mentionCount !== undefined) return { ...current, lastMessageId: input.messageId, mentionCount: input.mentionCount };
      if (current.lastMessageId !== null && compareIds(input.messageId, current.lastMessageId) < 0) return undefined;
      if (current.lastMessageId === input.messageId && current.mentionCount === 0) return undefined;
      return { ...current, lastMessageId: input.messageId, mentionCount: 0 };
    });
    this.deps.observer?.acked?.();
    const event = createEnvelope({ $case: 'readStateAcked', readStateAcked: { readState: toProtoReadState(state), sessionId: input.sessionId } }, { eventId: this.deps.nextEventId(), occurredAt: new Date() });
    // The ack is in the cache (written within the flush delay); MESSAGE_ACK to other sessions is best effort
    // and never holds the ack: with the broker down the caller is answered at once.
    void this.deps.bus.publish(READ_STATES_TOPIC, input.userId, encodeEnvelope(event)).catch((error: unknown) => this.deps.observer?.ackPublishFailed?.(error));
    return state;
  }

  /** One read state (a zero state when there is none). */
  get(userId: string, channelId: string): Promise<ReadState> {
    return this.deps.cache.get(userId, channelId);
  }

  /** A user's read states by channel id: the store's, with what the cache holds newer. */
  async list(userId: string, channelIds: readonly string[] = []): Promise<ReadState[]> {
    if (channelIds.length > 0) return Promise.all([...new Set(channelIds)].sort(compareIds).map((channelId) => this.get(userId, channelId)));
    const byChannel = new Map((await this.deps.store.listByUser(userId)).map((s) => [s.channelId, s]));
    for (const cached of this.deps.cache.cachedOf(userId)) byChannel.set(cached.channelId, cached);
    return [...byChannel.values()].filter((s) => s.lastMessageId !== null || s.mentionCount > 0).sort((a, b) => compareIds(a.channelId, b.channelId));
  }

  /**
   * A message was created: its author has read the channel up to it, and
   * every user it mentions (see mentionAudience) gets one more mention,
   * once: only for a message above both their marker and the last mention
   * counted, so a redelivered event counts nothing.
   */
  async messageCreated(messageId: string, mentions: MessageMentions): Promise<void> {
    const owns = this.deps.owns ?? (() => true);
    if (owns(mentions.authorId)) await this.deps.cache.update(mentions.authorId, mentions.channelId, (current) =>
      current.lastMessageId !== null && compareIds(messageId, current.lastMessageId) <= 0 ? undefined : { ...current, lastMessageId: messageId, mentionCount: 0 },
    );
    const hasMentions = mentions.mentionEveryone || mentions.mentionUserIds.length > 0 || mentions.mentionRoleIds.length > 0;
    if (!hasMentions) return;
    const audience = (await mentionAudience(this.deps.guilds, mentions, this.deps.memberPageSize)).filter(owns);
    await Promise.all(
      audience.map((userId) =>
        this.deps.cache.update(userId, mentions.channelId, (current) => {
          if (current.lastMessageId !== null && compareIds(messageId, current.lastMessageId) <= 0) return undefined;
          if (current.lastMentionId != null && compareIds(messageId, current.lastMentionId) <= 0) return undefined;
          return { ...current, mentionCount: current.mentionCount + 1, lastMentionId: messageId };
        }),
      ),
    );
    this.deps.observer?.mentionCounted?.(audience.length);
  }
}

/** A read state as the proto has it. */
export function toProtoReadState(state: ReadState): readstatesV1.ReadState {
  return {
    userId: state.userId,
    channelId: state.channelId,
    lastMessageId: state.lastMessageId ?? '',
    mentionCount: state.mentionCount,
    lastPinTimestamp: state.lastPinTimestamp ?? undefined,
  };
}
