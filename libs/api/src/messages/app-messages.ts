/**
 * Messages an application or a webhook posts, edits and deletes: interaction
 * responses and follow-ups, webhook executions. A normal one goes through
 * the message service like any message (MESSAGE_CREATE to the channel); an
 * ephemeral one (flag 64) is never stored in the channel: it is built here,
 * sent only to the user who invoked the interaction, and kept with the
 * interaction for its 15 minutes so it can be edited or deleted.
 */
import { GatewayIntentBits } from 'discord-api-types/v10';
import { parseStoredAttachments, parseStoredPoll, toDiscordMessage, type DiscordMessage } from '@chat/discord';
import type { MessageOrigin, StoredMessage, StoredUser } from '@chat/store';
import type { z } from 'zod';
import type { ChannelAccess } from '../access';
import { componentsJsonOf } from '../components/component-schema';
import { DiscordErrors } from '../errors';
import { clearMessageLeftovers } from './message-leftovers';
import { discardAttachments, prepareAttachments, withAttachments } from '../attachments/attachment-uploads';
import type { UploadedFile } from '../attachments/multipart';
import { indexPollEnding } from '../polls/poll-end';
import { checkPollEmojis, storedPollOf } from '../polls/poll-schema';
import { dispatchOf, sendToUsers, type ResolvedDeps } from '../route-context';
import { attachmentUrlSigner, messageJsonWithMember, publishChannelEvent, publishMessageEvent } from '../routes/message-json';
import { CLIENT_FLAGS, EPHEMERAL, LOADING, resolveMentions, type messageBodyFields, type messageEditFields } from './message-body';

type NewBody = z.output<z.ZodObject<typeof messageBodyFields>>;
type EditBody = z.output<z.ZodObject<typeof messageEditFields>>;

/** Who posts: the author (a bot user, or a webhook standing in as one), what the message records of its origin, and the channel. */
export interface AppPoster {
  authorId: string;
  /** The author as a user (a bot's user; for a webhook, its stand-in). */
  author: StoredUser;
  origin: MessageOrigin;
  /** The channel, with the permissions that decide mentions and embeds. */
  access: ChannelAccess;
}

/** A new message: the body and what the poster decides beyond it. */
export interface NewAppMessage {
  body: NewBody;
  /** Discord message type: 0, 20 (chat command response), 23 (context menu response). */
  type: number;
  /** Sent only to this user and not stored in the channel (flag EPHEMERAL). */
  ephemeralTo?: string;
  /** A deferred response: empty and LOADING until edited. */
  loading?: boolean;
  /** Files of a multipart request. */
  files?: readonly UploadedFile[];
}

/** The intent a session needs for a message event sent to one user: GUILD_MESSAGES in a guild, DIRECT_MESSAGES in a DM. */
export function messageIntents(guildId: string | null): number {
  return guildId ? GatewayIntentBits.GuildMessages : GatewayIntentBits.DirectMessages;
}

/** Posts a message; answers its JSON (for an ephemeral one, the only copy besides the caller's record). */
export async function postAppMessage(deps: ResolvedDeps, poster: AppPoster, message: NewAppMessage): Promise<DiscordMessage> {
  const content = message.body.content ?? '';
  const embeds = message.body.embeds ?? [];
  const componentsJson = componentsJsonOf(message.body.components);
  const files = message.files ?? [];
  if (!message.loading && content.trim() === '' && embeds.length === 0 && componentsJson === '[]' && files.length === 0 && !message.body.poll) throw DiscordErrors.emptyMessage();
  if (message.body.poll) await checkPollEmojis(deps.store.records, message.body.poll);
  const pollJson = message.body.poll ? JSON.stringify(storedPollOf(message.body.poll, deps.clock())) : null;
  const mentions = await resolveMentions(deps, poster.access, content, message.body.allowed_mentions);
  // An ephemeral message's uploads are never settled to a message, so the sweep removes them once they are old.
  const attachments = files.length > 0 || message.body.attachments !== undefined ? await prepareAttachments(deps, poster.access.channel.id, files, message.body.attachments) : undefined;
  const attachmentsJson = JSON.stringify(attachments?.all ?? []);
  const flags = ((message.body.flags ?? 0) & CLIENT_FLAGS) | (message.ephemeralTo ? EPHEMERAL : 0) | (message.loading ? LOADING : 0);
  const channel = poster.access.channel;
  if (message.ephemeralTo) {
    const stored: StoredMessage = {
      id: deps.nextId(),
      channelId: channel.id,
      guildId: channel.guildId,
      authorId: poster.authorId,
      content,
      createdAt: new Date(deps.clock()),
      editedAt: null,
      tts: false,
      mentionEveryone: mentions.everyone,
      mentionUserIds: mentions.userIds,
      mentionRoleIds: mentions.roleIds,
      attachmentsJson,
      embedsJson: JSON.stringify(embeds),
      nonce: null,
      pinned: false,
      type: message.type,
      flags,
      reference: null,
      componentsJson,
      origin: poster.origin,
      pollJson,
    };
    const json = toDiscordMessage(stored, { author: poster.author, mentions: mentions.users, attachmentUrl: attachmentUrlSigner(deps) });
    await sendToUsers(deps, [message.ephemeralTo], dispatchOf('MESSAGE_CREATE', json, { channelId: channel.id, intents: messageIntents(channel.guildId) }));
    return json;
  }
  const created = await withAttachments(attachments, () => deps.messages.create({
    channelId: channel.id,
    guildId: channel.guildId,
    authorId: poster.authorId,
    content,
    tts: message.body.tts ?? false,
    nonce: '',
    enforceNonce: false,
    mentionEveryone: mentions.everyone,
    mentionUserIds: mentions.userIds,
    mentionRoleIds: mentions.roleIds,
    embedsJson: JSON.stringify(embeds),
    attachmentsJson,
    type: message.type,
    flags,
    reference: null,
    recipientUserIds: channel.guildId === null ? channel.recipientIds : [],
    componentsJson,
    origin: poster.origin,
    pollJson,
  }));
  const poll = parseStoredPoll(created.pollJson);
  if (poll) await indexPollEnding(deps, created.channelId, created.id, Date.parse(poll.expiry));
  const json = await messageJsonWithMember(deps, created);
  await publishMessageEvent(deps, poster.access, 'MESSAGE_CREATE', created, json);
  return json;
}

/** Edits a stored (non-ephemeral) message of the poster; clears LOADING. */
export async function editAppMessage(deps: ResolvedDeps, poster: AppPoster, existing: StoredMessage, body: EditBody, files: readonly UploadedFile[] = []): Promise<DiscordMessage> {
  const content = body.content === undefined ? undefined : (body.content ?? '');
  const embedsJson = body.embeds === undefined ? undefined : JSON.stringify(body.embeds ?? []);
  const componentsJson = body.components === undefined ? undefined : componentsJsonOf(body.components);
  const keep = body.attachments === null ? [] : body.attachments;
  const current = parseStoredAttachments(existing.attachmentsJson);
  const attachmentCount = (keep === undefined ? current.length : keep.filter((a) => current.some((c) => c.id === String(a.id))).length) + files.length;
  const finalEmpty = (content ?? existing.content).trim() === '' && (embedsJson ?? existing.embedsJson) === '[]' && (componentsJson ?? existing.componentsJson) === '[]' && attachmentCount === 0;
  if (finalEmpty) throw DiscordErrors.emptyMessage();
  const attachments = keep !== undefined || files.length > 0 ? await prepareAttachments(deps, existing.channelId, files, keep, current) : undefined;
  const mentions = content === undefined ? undefined : await resolveMentions(deps, poster.access, content, body.allowed_mentions ?? undefined);
  const flagBits = body.flags === undefined || body.flags === null ? existing.flags & ~LOADING : (existing.flags & ~(CLIENT_FLAGS | LOADING)) | (body.flags & CLIENT_FLAGS);
  const updated = await withAttachments(attachments, () => deps.messages.edit(existing.channelId, existing.id, {
    ...(content !== undefined && mentions ? { content, mentionEveryone: mentions.everyone, mentionUserIds: mentions.userIds, mentionRoleIds: mentions.roleIds } : {}),
    ...(embedsJson !== undefined ? { embedsJson } : {}),
    ...(componentsJson !== undefined ? { componentsJson } : {}),
    ...(attachments ? { attachmentsJson: JSON.stringify(attachments.all) } : {}),
    flags: flagBits,
    recipientUserIds: poster.access.channel.guildId === null ? poster.access.channel.recipientIds : [],
  }));
  if (attachments) discardAttachments(deps, existing.channelId, attachments.removed);
  const json = await messageJsonWithMember(deps, updated);
  await publishMessageEvent(deps, poster.access, 'MESSAGE_UPDATE', updated, json);
  return json;
}

/** Edits an ephemeral message's JSON (kept by the caller) and sends MESSAGE_UPDATE to its one viewer. */
export async function editEphemeralMessage(deps: ResolvedDeps, poster: AppPoster, json: DiscordMessage, viewerId: string, body: EditBody): Promise<DiscordMessage> {
  if (body.attachments !== undefined) throw DiscordErrors.invalidField('attachments', 'ATTACHMENT_EPHEMERAL_EDIT', "An ephemeral message's attachments cannot be changed");
  const next: DiscordMessage = { ...json, edited_timestamp: new Date(deps.clock()).toISOString(), flags: json.flags & ~LOADING };
  if (body.content !== undefined) {
    next.content = body.content ?? '';
    const mentions = await resolveMentions(deps, poster.access, next.content, body.allowed_mentions ?? undefined);
    next.mention_everyone = mentions.everyone;
    next.mention_roles = mentions.roleIds;
  }
  if (body.embeds !== undefined) next.embeds = (body.embeds ?? []).map((embed) => ({ type: 'rich', ...embed }));
  if (body.components !== undefined) next.components = JSON.parse(componentsJsonOf(body.components)) as unknown[];
  if (next.content.trim() === '' && next.embeds.length === 0 && next.components.length === 0) throw DiscordErrors.emptyMessage();
  await sendToUsers(deps, [viewerId], dispatchOf('MESSAGE_UPDATE', next, { channelId: json.channel_id, intents: messageIntents(json.guild_id ?? null) }));
  return next;
}

/** Deletes a stored message of the poster and announces it. */
export async function deleteAppMessage(deps: ResolvedDeps, poster: AppPoster, existing: StoredMessage): Promise<void> {
  const channel = poster.access.channel;
  const deleted = await deps.messages.delete(channel.id, existing.id, channel.guildId === null ? channel.recipientIds : []);
  if (!deleted) throw DiscordErrors.unknownMessage();
  await clearMessageLeftovers(deps, channel.id, [existing]);
  await publishChannelEvent(deps, poster.access, 'MESSAGE_DELETE', { id: existing.id, channel_id: channel.id, ...(channel.guildId ? { guild_id: channel.guildId } : {}) });
}
