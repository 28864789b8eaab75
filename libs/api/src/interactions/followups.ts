/**
 * The webhook side of an interaction (its token as a webhook token, the
 * application id as the webhook id): follow-up messages, and reading,
 * editing and deleting the original response or a follow-up, ephemeral ones
 * included, for the token's 15 minutes.
 */
import type { DiscordMessage } from '@chat/discord';
import type { z } from 'zod';
import { DiscordErrors } from '../errors';
import { deleteAppMessage, editAppMessage, editEphemeralMessage, messageIntents, postAppMessage } from '../messages/app-messages';
import type { UploadedFile } from '../attachments/multipart';
import { EPHEMERAL, LOADING, type messageBodyFields, type messageEditFields } from '../messages/message-body';
import { dispatchOf, sendToUsers, type ResolvedDeps } from '../route-context';
import { messagesJson } from '../routes/message-json';
import { interactionPoster, responseMessageType } from './callback';
import { InteractionRecords, type InteractionMessage, type StoredInteraction } from './interaction-records';

type NewBody = z.output<z.ZodObject<typeof messageBodyFields>>;
type EditBody = z.output<z.ZodObject<typeof messageEditFields>>;

/** The interaction whose token this is, for this application; undefined when the token is unknown or expired. */
export async function interactionOfWebhook(deps: ResolvedDeps, applicationId: string, token: string): Promise<StoredInteraction | undefined> {
  const interaction = await new InteractionRecords(deps.store.records).byToken(token);
  return interaction && interaction.applicationId === applicationId ? interaction : undefined;
}

/** Posts a follow-up; the first one after a deferred response fills the "thinking" message instead, as Discord does. */
export async function postFollowup(deps: ResolvedDeps, interaction: StoredInteraction, body: NewBody, files: readonly UploadedFile[] = []): Promise<DiscordMessage> {
  const records = new InteractionRecords(deps.store.records);
  const state = await records.state(interaction.id);
  if (!state?.startsWith('answered')) throw DiscordErrors.unknownWebhook();
  const original = await records.message(interaction.id, '@original');
  if (original && (await isLoading(deps, original))) return editInteractionMessage(deps, interaction, '@original', body, files);
  const poster = await interactionPoster(deps, interaction, original ? { original_response_message_id: original.messageId } : {});
  const ephemeral = ((body.flags ?? 0) & EPHEMERAL) !== 0;
  const json = await postAppMessage(deps, poster, { body, type: responseMessageType(interaction), files, ...(ephemeral ? { ephemeralTo: interaction.userId } : {}) });
  await records.saveMessage(interaction.id, json.id, { messageId: json.id, channelId: json.channel_id, ephemeral, ...(ephemeral ? { json: json as unknown as Record<string, unknown> } : {}) });
  return json;
}

/** The original response or a follow-up. */
export async function getInteractionMessage(deps: ResolvedDeps, interaction: StoredInteraction, key: string): Promise<DiscordMessage> {
  const target = await targetOf(deps, interaction, key);
  if (target.ephemeral) return target.json as unknown as DiscordMessage;
  const message = await deps.messages.get(target.channelId, target.messageId);
  if (!message) throw DiscordErrors.unknownMessage();
  const [json] = await messagesJson(deps, [message], undefined);
  return json as DiscordMessage;
}

/** Edits the original response (also the component's message after an update response) or a follow-up. */
export async function editInteractionMessage(deps: ResolvedDeps, interaction: StoredInteraction, key: string, body: EditBody, files: readonly UploadedFile[] = []): Promise<DiscordMessage> {
  const target = await targetOf(deps, interaction, key);
  const poster = await interactionPoster(deps, interaction);
  if (target.ephemeral) {
    const json = await editEphemeralMessage(deps, poster, target.json as unknown as DiscordMessage, interaction.userId, body);
    await new InteractionRecords(deps.store.records).saveMessage(interaction.id, key, { ...target, json: json as unknown as Record<string, unknown> });
    return json;
  }
  const existing = await deps.messages.get(target.channelId, target.messageId);
  if (!existing) throw DiscordErrors.unknownMessage();
  return editAppMessage(deps, poster, existing, body, files);
}

/** Deletes the original response or a follow-up. */
export async function deleteInteractionMessage(deps: ResolvedDeps, interaction: StoredInteraction, key: string): Promise<void> {
  const target = await targetOf(deps, interaction, key);
  const records = new InteractionRecords(deps.store.records);
  if (target.ephemeral) {
    const payload = { id: target.messageId, channel_id: target.channelId, ...(interaction.guildId ? { guild_id: interaction.guildId } : {}) };
    await sendToUsers(deps, [interaction.userId], dispatchOf('MESSAGE_DELETE', payload, { channelId: target.channelId, intents: messageIntents(interaction.guildId) }));
  } else {
    const existing = await deps.messages.get(target.channelId, target.messageId);
    if (!existing) throw DiscordErrors.unknownMessage();
    await deleteAppMessage(deps, await interactionPoster(deps, interaction), existing);
  }
  await records.forgetMessage(interaction.id, key);
}

/** `@original`: the response message, else (after an update or deferred update) the component's message. */
async function targetOf(deps: ResolvedDeps, interaction: StoredInteraction, key: string): Promise<InteractionMessage> {
  const records = new InteractionRecords(deps.store.records);
  const recorded = await records.message(interaction.id, key);
  if (recorded) return recorded;
  if (key === '@original' && interaction.messageId && (await records.state(interaction.id))?.startsWith('answered')) {
    return { messageId: interaction.messageId, channelId: interaction.channelId, ephemeral: false };
  }
  throw DiscordErrors.unknownMessage();
}

async function isLoading(deps: ResolvedDeps, target: InteractionMessage): Promise<boolean> {
  if (target.ephemeral) return (((target.json?.flags as number | undefined) ?? 0) & LOADING) !== 0;
  const message = await deps.messages.get(target.channelId, target.messageId);
  return message !== undefined && (message.flags & LOADING) !== 0;
}
