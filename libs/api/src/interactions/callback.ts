/**
 * An application's initial response to an interaction (POST
 * /interactions/{id}/{token}/callback, or an interactions endpoint's HTTP
 * answer): checked first, so bad input leaves the interaction pending, then
 * claimed with a conditional write (a second response is 40060, one after
 * the deadline 10062), then carried out: a message (ephemeral to the user
 * alone when flag 64 is set), a deferred "thinking" message, an update of the
 * component's message, autocomplete choices, or a modal.
 */
import { InteractionResponseType, InteractionType } from 'discord-api-types/v10';
import type { DiscordMessage } from '@chat/discord';
import { z } from 'zod';
import { loadChannelAccess, type ChannelAccess } from '../access';
import { modalInputs, modalSchema } from '../components/component-schema';
import { DiscordErrors, RestError, invalidFormBody, type ErrorTree } from '../errors';
import type { UploadedFile } from '../attachments/multipart';
import { editAppMessage, postAppMessage, type AppPoster } from '../messages/app-messages';
import { EPHEMERAL, messageBodyFields, messageEditFields } from '../messages/message-body';
import { dispatchOf, noContent, ok, sendToUsers, type ResolvedDeps, type RouteResult } from '../route-context';
import { parseBody } from '../validation';
import { InteractionRecords, toInvokingSession, type StoredInteraction } from './interaction-records';

const callbackBody = z.object({ type: z.number().int(), data: z.unknown().optional() });
const messageData = z.object(messageBodyFields);
const updateData = z.object(messageEditFields);
const deferData = z.object({ flags: z.number().int().min(0).optional() });
const choicesData = z.object({
  choices: z
    .array(z.object({ name: z.string().min(1).max(100), name_localizations: z.record(z.string(), z.string().max(100)).nullish(), value: z.union([z.string().max(100), z.number()]) }))
    .max(25),
});

/** Which responses each interaction type takes (Discord's table). */
const ALLOWED: Readonly<Record<number, readonly number[]>> = {
  [InteractionType.ApplicationCommand]: [InteractionResponseType.ChannelMessageWithSource, InteractionResponseType.DeferredChannelMessageWithSource, InteractionResponseType.Modal],
  [InteractionType.MessageComponent]: [
    InteractionResponseType.ChannelMessageWithSource,
    InteractionResponseType.DeferredChannelMessageWithSource,
    InteractionResponseType.DeferredMessageUpdate,
    InteractionResponseType.UpdateMessage,
    InteractionResponseType.Modal,
  ],
  [InteractionType.ApplicationCommandAutocomplete]: [InteractionResponseType.ApplicationCommandAutocompleteResult],
  [InteractionType.ModalSubmit]: [InteractionResponseType.ChannelMessageWithSource, InteractionResponseType.DeferredChannelMessageWithSource, InteractionResponseType.DeferredMessageUpdate, InteractionResponseType.UpdateMessage],
};

/** Parses a nested part of a body, naming its fields under `prefix` in a 50035 answer. */
function parseUnder<T extends z.ZodType>(schema: T, value: unknown, prefix: string): z.output<T> {
  try {
    return parseBody(schema, value ?? {});
  } catch (error) {
    if (error instanceof RestError && error.code === 50035 && error.errors) throw invalidFormBody({ [prefix]: error.errors as ErrorTree });
    throw error;
  }
}

/** Discord's message type of a response: 20 for a chat command, 23 for a context menu command, 0 otherwise. */
export function responseMessageType(interaction: StoredInteraction): number {
  if (interaction.commandType === 1) return 20;
  if (interaction.commandType === 2 || interaction.commandType === 3) return 23;
  return 0;
}

/** The application posting for an interaction: its bot, the interaction's metadata, the bot's view of the channel. */
export async function interactionPoster(deps: ResolvedDeps, interaction: StoredInteraction, extraMetadata: Record<string, unknown> = {}): Promise<AppPoster> {
  const application = await deps.store.users.getApplication(interaction.applicationId);
  const bot = application?.botUserId ? await deps.store.users.getUser(application.botUserId) : undefined;
  if (!application || !bot) throw DiscordErrors.unknownApplication();
  return {
    authorId: bot.id,
    author: bot,
    origin: { applicationId: application.id, webhookId: application.id, interactionMetadataJson: JSON.stringify({ ...interaction.metadata, ...extraMetadata }) },
    access: await posterAccess(deps, interaction.channelId, bot.id),
  };
}

/** The bot's view of the channel; a response needs no permission to post, so a bot that cannot view it still answers (without mention rights). */
async function posterAccess(deps: ResolvedDeps, channelId: string, botId: string): Promise<ChannelAccess> {
  try {
    return await loadChannelAccess(deps.store.guilds, channelId, botId);
  } catch (error) {
    if (!(error instanceof RestError) || error.code !== 50001) throw error;
    const channel = await deps.store.guilds.getChannel(channelId);
    if (!channel) throw DiscordErrors.unknownChannel();
    return { channel, permissions: 0n };
  }
}

/** Carries out an initial response; the REST answer (204, or 200 with the callback response when asked for). */
export async function applyCallback(deps: ResolvedDeps, interaction: StoredInteraction, body: unknown, withResponse: boolean, files: readonly UploadedFile[] = []): Promise<RouteResult> {
  const input = parseBody(callbackBody, body);
  if (!(ALLOWED[interaction.type] ?? []).includes(input.type)) {
    throw DiscordErrors.invalidField('type', 'INTERACTION_CALLBACK_TYPE_INVALID', `Response type ${input.type} is not valid for this interaction`);
  }
  const type = input.type as InteractionResponseType;
  const message = type === InteractionResponseType.ChannelMessageWithSource ? parseUnder(messageData, input.data, 'data') : undefined;
  const update = type === InteractionResponseType.UpdateMessage ? parseUnder(updateData, input.data, 'data') : undefined;
  const defer = type === InteractionResponseType.DeferredChannelMessageWithSource ? parseUnder(deferData, input.data, 'data') : undefined;
  const choices = type === InteractionResponseType.ApplicationCommandAutocompleteResult ? parseUnder(choicesData, input.data, 'data') : undefined;
  const modal = type === InteractionResponseType.Modal ? parseUnder(modalSchema, input.data, 'data') : undefined;
  if ((update || type === InteractionResponseType.DeferredMessageUpdate) && !interaction.messageId) {
    throw DiscordErrors.invalidField('type', 'INTERACTION_CALLBACK_TYPE_INVALID', 'There is no message to update');
  }

  if (files.length > 0 && !message && !update) throw DiscordErrors.invalidField('files', 'ATTACHMENT_NOT_ALLOWED', 'Only a message response or an update carries files');

  const records = new InteractionRecords(deps.store.records);
  if (!(await records.answer(interaction.id, type))) {
    const state = await records.state(interaction.id);
    throw state?.startsWith('answered') ? DiscordErrors.interactionAcknowledged() : DiscordErrors.unknownInteraction();
  }

  let json: DiscordMessage | undefined;
  let ephemeral = false;
  let loading = false;
  if (message || defer) {
    const poster = await interactionPoster(deps, interaction);
    ephemeral = (((message?.flags ?? defer?.flags) ?? 0) & EPHEMERAL) !== 0;
    loading = defer !== undefined;
    json = await postAppMessage(deps, poster, { body: message ?? {}, type: responseMessageType(interaction), files, ...(ephemeral ? { ephemeralTo: interaction.userId } : {}), loading });
    await records.saveMessage(interaction.id, '@original', { messageId: json.id, channelId: json.channel_id, ephemeral, ...(ephemeral ? { json: json as unknown as Record<string, unknown> } : {}) });
  } else if (update && interaction.messageId) {
    const existing = await deps.messages.get(interaction.channelId, interaction.messageId);
    if (!existing) throw DiscordErrors.unknownMessage();
    json = await editAppMessage(deps, await interactionPoster(deps, interaction), existing, update, files);
  } else if (choices) {
    await sendToUsers(deps, [interaction.userId], dispatchOf('APPLICATION_COMMAND_AUTOCOMPLETE_RESPONSE', { nonce: interaction.nonce, choices: choices.choices }, toInvokingSession(interaction)));
  } else if (modal) {
    const application = await deps.store.users.getApplication(interaction.applicationId);
    await records.showModal(interaction.userId, {
      applicationId: interaction.applicationId,
      interactionId: interaction.id,
      guildId: interaction.guildId,
      channelId: interaction.channelId,
      ...(interaction.messageId ? { messageId: interaction.messageId } : {}),
      customId: modal.custom_id,
      title: modal.title,
      inputs: modalInputs(modal),
    });
    await sendToUsers(
      deps,
      [interaction.userId],
      dispatchOf('INTERACTION_MODAL_CREATE', { id: interaction.id, nonce: interaction.nonce, channel_id: interaction.channelId, custom_id: modal.custom_id, title: modal.title, components: modal.components, application: { id: interaction.applicationId, name: application?.name ?? '', icon: null } }, toInvokingSession(interaction)),
    );
  }
  await sendToUsers(deps, [interaction.userId], dispatchOf('INTERACTION_SUCCESS', { id: interaction.id, nonce: interaction.nonce }, toInvokingSession(interaction)));
  if (!withResponse) return noContent();
  return ok({
    interaction: {
      id: interaction.id,
      type: interaction.type,
      channel_id: interaction.channelId,
      ...(interaction.guildId ? { guild_id: interaction.guildId } : {}),
      ...(json ? { response_message_id: json.id, response_message_loading: loading, response_message_ephemeral: ephemeral } : {}),
    },
    ...(json ? { resource: { type, message: json } } : {}),
  });
}

