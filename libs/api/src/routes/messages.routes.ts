/** Messages: send, read history, read one, edit, delete, bulk delete, typing. */
import { Permission, hasPermission } from '@chat/permissions';
import { timestampOf } from '@chat/snowflake';
import type { HistoryQuery, StoredMessage } from '@chat/store';
import { discardAttachments, prepareAttachments, withAttachments } from '../attachments/attachment-uploads';
import { z } from 'zod';
import { componentsJsonOf } from '../components/component-schema';
import { indexPollEnding } from '../polls/poll-end';
import { checkPollEmojis, storedPollOf } from '../polls/poll-schema';
import { CLIENT_FLAGS, messageBodyFields, messageEditFields, resolveMentions } from '../messages/message-body';
import { loadTextChannel, requirePermission } from '../access';
import { clearMessageLeftovers } from '../messages/message-leftovers';
import { parseStoredAttachments, parseStoredPoll, toDiscordMember } from '@chat/discord';
import { DiscordErrors, invalidFormBody } from '../errors';
import type { HttpMethod } from '../route-context';
import { noContent, ok, type RouteDefinition } from '../route-context';
import { intQuery, parseBody, snowflakeParam } from '../validation';
import { messageJsonWithMember, messagesJson, publishChannelEvent, publishMessageEvent } from './message-json';

const BULK_DELETE_MAX_AGE_MS = 14 * 24 * 60 * 60 * 1000;
/** IS_VOICE_MESSAGE: a voice message (an audio attachment with duration and waveform). */
const IS_VOICE_MESSAGE = 1 << 13;

const createBody = z.object({
  ...messageBodyFields,
  nonce: z.union([z.string().max(25), z.number().int()]).optional(),
  enforce_nonce: z.boolean().optional(),
  message_reference: z.object({ message_id: z.string().regex(/^\d{1,20}$/), channel_id: z.string().regex(/^\d{1,20}$/).optional(), guild_id: z.string().optional(), fail_if_not_exists: z.boolean().optional() }).optional(),
});

const editBody = z.object(messageEditFields);

/** Interactive components are an application's: a user account sending them is refused, as Discord refuses it. */
const componentsNeedAnApplication = () => DiscordErrors.invalidField('components', 'COMPONENT_INVALID_SENDER', 'Only bots and applications can send message components');

const bulkDeleteBody = z.object({ messages: z.array(z.string().regex(/^\d{1,20}$/)) });


/** The message routes. */
export function messageRoutes(): [HttpMethod, string, RouteDefinition][] {
  return [
    [
      'POST',
      '/channels/:channelId/messages',
      {
        auth: 'required',
        bucket: 'messages.create',
        major: 'channelId',
        uploads: true,
        handler: async ({ deps, caller, params, body, files }) => {
          const access = await loadTextChannel(deps.store.guilds, params.channelId, caller.user.id);
          requirePermission(access.permissions, Permission.SEND_MESSAGES);
          const input = parseBody(createBody, body);
          if (!hasPermission(access.permissions, Permission.MANAGE_MESSAGES) && !hasPermission(access.permissions, Permission.MANAGE_CHANNELS)) {
            deps.slowmode.check(access.channel.id, caller.user.id, access.channel.rateLimitPerUser, deps.clock());
          }
          const content = input.content ?? '';
          const embeds = hasPermission(access.permissions, Permission.EMBED_LINKS) ? (input.embeds ?? []) : [];
          const components = input.components ?? [];
          if (components.length > 0 && !caller.user.bot) throw componentsNeedAnApplication();
          if (files.length > 0) requirePermission(access.permissions, Permission.ATTACH_FILES);
          if (content.trim() === '' && (input.embeds ?? []).length === 0 && components.length === 0 && files.length === 0 && !input.poll) throw DiscordErrors.emptyMessage();
          let reference: { messageId: string; channelId: string; guildId: string | null } | null = null;
          if (input.message_reference) {
            requirePermission(access.permissions, Permission.READ_MESSAGE_HISTORY);
            const refChannel = input.message_reference.channel_id ?? access.channel.id;
            const referenced = refChannel === access.channel.id ? await deps.messages.get(access.channel.id, input.message_reference.message_id) : undefined;
            if (!referenced && input.message_reference.fail_if_not_exists !== false) {
              throw invalidFormBody({ message_reference: { _errors: [{ code: 'MESSAGE_REFERENCE_UNKNOWN_MESSAGE', message: 'Unknown message' }] } });
            }
            if (referenced) reference = { messageId: referenced.id, channelId: referenced.channelId, guildId: referenced.guildId };
          }
          if (input.poll) await checkPollEmojis(deps.store.records, input.poll);
          const mentions = await resolveMentions(deps, access, content, input.allowed_mentions);
          const attachments = await prepareAttachments(deps, access.channel.id, files, input.attachments);
          const message = await withAttachments(attachments, () => deps.messages.create({
            channelId: access.channel.id,
            guildId: access.channel.guildId,
            authorId: caller.user.id,
            content,
            tts: (input.tts ?? false) && hasPermission(access.permissions, Permission.SEND_TTS_MESSAGES),
            nonce: input.nonce === undefined ? '' : String(input.nonce),
            enforceNonce: input.enforce_nonce ?? false,
            mentionEveryone: mentions.everyone,
            mentionUserIds: mentions.userIds,
            mentionRoleIds: mentions.roleIds,
            embedsJson: JSON.stringify(embeds),
            attachmentsJson: JSON.stringify(attachments.all),
            type: reference ? 19 : 0,
            flags: (input.flags ?? 0) & (CLIENT_FLAGS | IS_VOICE_MESSAGE),
            reference,
            recipientUserIds: access.channel.guildId === null ? access.channel.recipientIds : [],
            componentsJson: componentsJsonOf(components),
            pollJson: input.poll ? JSON.stringify(storedPollOf(input.poll, deps.clock())) : null,
          }));
          const poll = parseStoredPoll(message.pollJson);
          if (poll) await indexPollEnding(deps, message.channelId, message.id, Date.parse(poll.expiry));
          const json = await messageJsonWithMember(deps, message);
          await publishMessageEvent(deps, access, 'MESSAGE_CREATE', message, json);
          return ok(json);
        },
      },
    ],
    [
      'GET',
      '/channels/:channelId/messages',
      {
        auth: 'required',
        bucket: 'messages.history',
        major: 'channelId',
        handler: async ({ deps, caller, params, query }) => {
          const access = await loadTextChannel(deps.store.guilds, params.channelId, caller.user.id);
          if (!hasPermission(access.permissions, Permission.READ_MESSAGE_HISTORY)) return ok([]);
          const limit = intQuery(query, 'limit', 1, 100, 50);
          const history: HistoryQuery = { channelId: access.channel.id, limit };
          const around = query.get('around');
          const before = query.get('before');
          const after = query.get('after');
          if (around !== null) history.around = snowflakeParam(around, 'around');
          else if (before !== null) history.before = snowflakeParam(before, 'before');
          else if (after !== null) history.after = snowflakeParam(after, 'after');
          return ok(await messagesJson(deps, await deps.messages.history(history), caller.user.id));
        },
      },
    ],
    [
      'GET',
      '/channels/:channelId/messages/:messageId',
      {
        auth: 'required',
        bucket: 'messages.get',
        major: 'channelId',
        handler: async ({ deps, caller, params }) => {
          const access = await loadTextChannel(deps.store.guilds, params.channelId, caller.user.id);
          requirePermission(access.permissions, Permission.READ_MESSAGE_HISTORY);
          const message = await deps.messages.get(access.channel.id, snowflakeParam(params.messageId, 'message_id'));
          if (!message) throw DiscordErrors.unknownMessage();
          const [json] = await messagesJson(deps, [message], caller.user.id);
          return ok(json);
        },
      },
    ],
    [
      'PATCH',
      '/channels/:channelId/messages/:messageId',
      {
        auth: 'required',
        bucket: 'messages.edit',
        major: 'channelId',
        uploads: true,
        handler: async ({ deps, caller, params, body, files }) => {
          const access = await loadTextChannel(deps.store.guilds, params.channelId, caller.user.id);
          const existing = await deps.messages.get(access.channel.id, snowflakeParam(params.messageId, 'message_id'));
          if (!existing) throw DiscordErrors.unknownMessage();
          const input = parseBody(editBody, body);
          const isAuthor = existing.authorId === caller.user.id;
          const onlyFlags = input.content === undefined && input.embeds === undefined && input.components === undefined && input.attachments === undefined && files.length === 0;
          if (!isAuthor && !(onlyFlags && hasPermission(access.permissions, Permission.MANAGE_MESSAGES))) throw DiscordErrors.cannotEditOthersMessage();
          const content = input.content === undefined ? undefined : (input.content ?? '');
          const embedsJson = input.embeds === undefined ? undefined : JSON.stringify(input.embeds ?? []);
          const finalContent = content ?? existing.content;
          const finalEmbeds = embedsJson ?? existing.embedsJson;
          const componentsJson = input.components === undefined ? undefined : componentsJsonOf(input.components);
          if (componentsJson !== undefined && componentsJson !== '[]' && !caller.user.bot) throw componentsNeedAnApplication();
          const finalComponents = componentsJson ?? existing.componentsJson;
          if (files.length > 0) requirePermission(access.permissions, Permission.ATTACH_FILES);
          // `attachments` lists the ones to keep (null: none); new files are added either way.
          const keep = input.attachments === null ? [] : input.attachments;
          const current = parseStoredAttachments(existing.attachmentsJson);
          const attachmentCount = (keep === undefined ? current.length : keep.filter((a) => current.some((c) => c.id === String(a.id))).length) + files.length;
          if (finalContent.trim() === '' && (finalEmbeds === '[]' || finalEmbeds === '') && finalComponents === '[]' && attachmentCount === 0) throw DiscordErrors.emptyMessage();
          const mentions = content === undefined ? undefined : await resolveMentions(deps, access, content, input.allowed_mentions ?? undefined);
          const attachments = keep !== undefined || files.length > 0 ? await prepareAttachments(deps, access.channel.id, files, keep, current) : undefined;
          const updated = await withAttachments(attachments, () => deps.messages.edit(access.channel.id, existing.id, {
            ...(attachments ? { attachmentsJson: JSON.stringify(attachments.all) } : {}),
            ...(content !== undefined && mentions ? { content, mentionEveryone: mentions.everyone, mentionUserIds: mentions.userIds, mentionRoleIds: mentions.roleIds } : {}),
            ...(embedsJson !== undefined ? { embedsJson } : {}),
            ...(componentsJson !== undefined ? { componentsJson } : {}),
            ...(input.flags !== undefined && input.flags !== null ? { flags: (existing.flags & ~CLIENT_FLAGS) | (input.flags & CLIENT_FLAGS) } : {}),
            recipientUserIds: access.channel.guildId === null ? access.channel.recipientIds : [],
          }));
          if (attachments) discardAttachments(deps, access.channel.id, attachments.removed);
          const json = await messageJsonWithMember(deps, updated);
          await publishMessageEvent(deps, access, 'MESSAGE_UPDATE', updated, json);
          return ok(json);
        },
      },
    ],
    [
      'DELETE',
      '/channels/:channelId/messages/:messageId',
      {
        auth: 'required',
        bucket: 'messages.delete',
        major: 'channelId',
        handler: async ({ deps, caller, params }) => {
          const access = await loadTextChannel(deps.store.guilds, params.channelId, caller.user.id);
          const existing = await deps.messages.get(access.channel.id, snowflakeParam(params.messageId, 'message_id'));
          if (!existing) throw DiscordErrors.unknownMessage();
          if (existing.authorId !== caller.user.id) {
            if (!access.guild) throw DiscordErrors.cannotExecuteOnDm();
            requirePermission(access.permissions, Permission.MANAGE_MESSAGES);
          }
          const deleted = await deps.messages.delete(access.channel.id, existing.id, access.channel.guildId === null ? access.channel.recipientIds : []);
          if (!deleted) throw DiscordErrors.unknownMessage();
          await clearMessageLeftovers(deps, access.channel.id, [existing]);
          await publishChannelEvent(deps, access, 'MESSAGE_DELETE', { id: existing.id, channel_id: access.channel.id, ...(access.channel.guildId ? { guild_id: access.channel.guildId } : {}) });
          return noContent();
        },
      },
    ],
    [
      'POST',
      '/channels/:channelId/messages/bulk-delete',
      {
        auth: 'required',
        bucket: 'messages.bulk-delete',
        major: 'channelId',
        handler: async ({ deps, caller, params, body }) => {
          const access = await loadTextChannel(deps.store.guilds, params.channelId, caller.user.id);
          if (!access.guild) throw DiscordErrors.cannotExecuteOnDm();
          requirePermission(access.permissions, Permission.MANAGE_MESSAGES);
          const input = parseBody(bulkDeleteBody, body);
          const ids = [...new Set(input.messages)];
          if (ids.length < 2 || ids.length > 100) throw DiscordErrors.bulkDeleteCount();
          const oldest = deps.clock() - BULK_DELETE_MAX_AGE_MS;
          if (ids.some((id) => timestampOf(id) < oldest)) throw DiscordErrors.bulkDeleteTooOld();
          const before = (await Promise.all(ids.map((id) => deps.messages.get(access.channel.id, id)))).filter((m): m is StoredMessage => m !== undefined);
          const deleted = await deps.messages.bulkDelete(access.channel.id, ids);
          if (deleted.length > 0) {
            await clearMessageLeftovers(deps, access.channel.id, before.filter((m) => deleted.includes(m.id)));
            await publishChannelEvent(deps, access, 'MESSAGE_DELETE_BULK', { ids: deleted, channel_id: access.channel.id, guild_id: access.guild.guild.id });
          }
          return noContent();
        },
      },
    ],
    [
      'POST',
      '/channels/:channelId/typing',
      {
        auth: 'required',
        bucket: 'channels.typing',
        major: 'channelId',
        handler: async ({ deps, caller, params }) => {
          const access = await loadTextChannel(deps.store.guilds, params.channelId, caller.user.id);
          requirePermission(access.permissions, Permission.SEND_MESSAGES);
          const payload: Record<string, unknown> = { channel_id: access.channel.id, user_id: caller.user.id, timestamp: Math.floor(deps.clock() / 1000) };
          if (access.guild) {
            payload.guild_id = access.guild.guild.id;
            payload.member = toDiscordMember(access.guild.member, caller.user);
          }
          await publishChannelEvent(deps, access, 'TYPING_START', payload);
          return noContent();
        },
      },
    ],
  ];
}
