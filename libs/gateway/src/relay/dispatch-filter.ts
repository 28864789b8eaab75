/**
 * Who gets a dispatch, per session: the rules of chat.guild.v1.DispatchFilter
 * (targets, intents, VIEW_CHANNEL via MemberAccess, audience by mode,
 * attach sequence), and whether the session needs the redacted payload
 * (no MESSAGE_CONTENT intent, not the author, not mentioned).
 */
import { GatewayIntentBits } from 'discord-api-types/v10';
import { guildV1 } from '@chat/proto';

/** What the filter knows about one attached session. */
export interface FilterSubject {
  readonly sessionId: string;
  readonly userId: string;
  readonly intents: number;
  readonly mode: guildV1.SessionMode;
  /** Role ids and viewable channels of the user (MemberAccess). */
  readonly roleIds: ReadonlySet<string>;
  readonly viewable: ReadonlySet<string>;
  /** Guild sequence of the session's snapshot: only later items reach it. */
  readonly attachedAt: bigint;
}

/** The payload variant a session gets, or undefined when it gets nothing. */
export type Selection = 'full' | 'redacted' | undefined;

function mentions(filter: guildV1.DispatchFilter, subject: FilterSubject): boolean {
  if (filter.mentionedUserIds.includes(subject.userId)) return true;
  return filter.mentionedRoleIds.some((role) => subject.roleIds.has(role));
}

/** Applies DispatchFilter's steps 1–5 to one session for an item at `sequence`. */
export function selectPayload(dispatch: guildV1.Dispatch, sequence: bigint, subject: FilterSubject): Selection {
  if (sequence <= subject.attachedAt) return undefined;
  const filter = dispatch.filter;
  if (filter) {
    if (filter.targetSessionIds.length > 0) return filter.targetSessionIds.includes(subject.sessionId) ? 'full' : undefined;
    if (filter.targetUserIds.length > 0 && !filter.targetUserIds.includes(subject.userId)) return undefined;
    if (filter.intents !== 0 && (subject.intents & filter.intents) === 0) return undefined;
    if (filter.channelId !== undefined && !subject.viewable.has(filter.channelId)) return undefined;
    const passive = subject.mode === guildV1.SessionMode.PASSIVE;
    switch (filter.audience) {
      case guildV1.Audience.ALL:
        break;
      case guildV1.Audience.PASSIVE:
        if (!passive) return undefined;
        break;
      default:
        if (passive && !filter.mentionEveryone && !mentions(filter, subject)) return undefined;
    }
  }
  if ((subject.intents & GatewayIntentBits.MessageContent) !== 0) return 'full';
  if (!isMessageEvent(dispatch.type)) return 'full';
  if (filter?.authorId === subject.userId) return 'full';
  if (filter && mentions(filter, subject)) return 'full';
  return 'redacted';
}

/** Events whose payload carries message content. */
export function isMessageEvent(type: string): boolean {
  return type === 'MESSAGE_CREATE' || type === 'MESSAGE_UPDATE';
}

/** Blanks content, embeds, attachments and components of a message payload (used when the publisher sent no redacted copy). */
export function redactMessagePayload(payload: Buffer): Buffer {
  try {
    const d = JSON.parse(payload.toString('utf8')) as Record<string, unknown>;
    if ('content' in d) d['content'] = '';
    if ('embeds' in d) d['embeds'] = [];
    if ('attachments' in d) d['attachments'] = [];
    if ('components' in d) d['components'] = [];
    return Buffer.from(JSON.stringify(d), 'utf8');
  } catch {
    return payload;
  }
}
