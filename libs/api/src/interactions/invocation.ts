/**
 * A user invoking an application (POST /interactions): a command (type 2),
 * a component of the application's message (3), autocomplete (4) or a
 * modal's submission (5). Checked here, who may do it where, and turned into
 * the interaction object the application receives (Discord's shape, with
 * `resolved` entities and the member's permissions).
 */
import { ApplicationCommandType, ComponentType, InteractionType } from 'discord-api-types/v10';
import { toDiscordChannel, toDiscordMember, toDiscordRole, toDiscordUser } from '@chat/discord';
import { hasPermission, Permission } from '@chat/permissions';
import type { StoredApplication, StoredMember, StoredUser } from '@chat/store';
import { z } from 'zod';
import { channelPermissionsOf, guildAccessOf, loadChannelAccess, type ChannelAccess } from '../access';
import { CommandRecords } from '../commands/command-records';
import { mayUseCommand } from '../commands/command-access';
import { componentsByCustomId } from '../components/component-schema';
import { DiscordErrors, invalidFormBody, treeFor } from '../errors';
import type { Caller, ResolvedDeps } from '../route-context';
import { messagesJson } from '../routes/message-json';
import { parseBody } from '../validation';
import { resolvedChannel, resolveOptions, type GivenOption, type OptionLookups } from './command-options';
import { InteractionRecords, type StoredInteraction } from './interaction-records';

const snowflake = z.string().regex(/^\d{1,20}$/);

const givenOption: z.ZodType<GivenOption> = z.lazy(() =>
  z.object({
    type: z.number().int().min(1).max(11),
    name: z.string().min(1).max(32),
    value: z.union([z.string().max(6000), z.number(), z.boolean()]).nullish(),
    options: z.array(givenOption).max(25).nullish(),
    focused: z.boolean().nullish(),
  }),
);

/** The body of POST /interactions. */
export const invocationBody = z.object({
  type: z.union([z.literal(InteractionType.ApplicationCommand), z.literal(InteractionType.MessageComponent), z.literal(InteractionType.ApplicationCommandAutocomplete), z.literal(InteractionType.ModalSubmit)]),
  application_id: snowflake,
  channel_id: snowflake,
  guild_id: snowflake.nullish(),
  message_id: snowflake.nullish(),
  message_flags: z.number().int().nullish(),
  session_id: z.string().max(64).nullish(),
  nonce: z.union([z.string().max(25), z.number().int()]).nullish(),
  analytics_location: z.string().max(64).nullish(),
  data: z.record(z.string(), z.unknown()),
});
type Invocation = z.output<typeof invocationBody>;

const commandData = z.object({ id: snowflake, name: z.string().min(1).max(32), type: z.number().int().min(1).max(3).default(1), version: snowflake.nullish(), options: z.array(givenOption).max(25).nullish(), target_id: snowflake.nullish() });
const componentData = z.object({ component_type: z.number().int().min(2).max(8), custom_id: z.string().min(1).max(100), values: z.array(z.string().max(100)).max(25).nullish() });
const submittedInput = z.object({ type: z.literal(4), custom_id: z.string().max(100), value: z.string().max(4000) });
const modalData = z.object({
  id: snowflake.nullish(),
  custom_id: z.string().min(1).max(100),
  components: z
    .array(
      z.discriminatedUnion('type', [
        z.object({ type: z.literal(1), components: z.array(submittedInput).length(1) }),
        z.object({ type: z.literal(18), component: submittedInput }),
        z.object({ type: z.literal(10) }),
      ]),
    )
    .min(1)
    .max(5),
});

/** An invocation checked and built: what to remember, what the application receives, and who answers. */
export interface BuiltInteraction {
  stored: StoredInteraction;
  /** The interaction object without its token (added at delivery). */
  payload: Record<string, unknown>;
  application: StoredApplication;
  bot: StoredUser;
}

/** Checks an invocation and builds the interaction. */
export async function buildInteraction(deps: ResolvedDeps, caller: Caller, body: unknown): Promise<BuiltInteraction> {
  const input = parseBody(invocationBody, body);
  const access = await loadChannelAccess(deps.store.guilds, input.channel_id, caller.user.id);
  if (input.guild_id && input.guild_id !== access.channel.guildId) throw DiscordErrors.invalidField('guild_id', 'BASE_TYPE_INVALID', 'The channel is not in this guild');
  const application = await deps.store.users.getApplication(input.application_id);
  if (!application?.botUserId) throw DiscordErrors.unknownApplication();
  const bot = await deps.store.users.getUser(application.botUserId);
  if (!bot) throw DiscordErrors.unknownApplication();
  const present = access.guild ? Boolean(await deps.store.guilds.getMember(access.guild.guild.id, bot.id)) : access.channel.recipientIds.includes(bot.id);
  if (!present) throw DiscordErrors.unknownApplication();
  const id = deps.nextId();
  const base = { id, input, access, application, bot, user: caller.user };
  switch (input.type) {
    case InteractionType.ApplicationCommand:
    case InteractionType.ApplicationCommandAutocomplete:
      return commandInteraction(deps, base);
    case InteractionType.MessageComponent:
      return componentInteraction(deps, base);
    default:
      return modalInteraction(deps, base);
  }
}

interface Base {
  id: string;
  input: Invocation;
  access: ChannelAccess;
  application: StoredApplication;
  bot: StoredUser;
  user: StoredUser;
}

async function commandInteraction(deps: ResolvedDeps, base: Base): Promise<BuiltInteraction> {
  const { input, access, application } = base;
  const data = parseBody(commandData, input.data);
  if (!hasPermission(access.permissions, Permission.USE_APPLICATION_COMMANDS)) throw DiscordErrors.missingPermissions();
  const records = new CommandRecords(deps.store.records);
  const guildId = access.channel.guildId;
  const command = (guildId ? await records.get(application.id, guildId, data.id) : undefined) ?? (await records.get(application.id, null, data.id));
  if (!command || command.definition.name !== data.name || command.definition.type !== data.type) throw DiscordErrors.unknownCommand();
  if (data.version && data.version !== command.version) throw invalidFormBody(treeFor(['data', 'version'], { code: 'APPLICATION_COMMAND_OUTDATED', message: 'This command is outdated, please try again in a few minutes' }));
  const contexts = command.definition.contexts ?? [0, 1, 2];
  if (!contexts.includes(guildId ? 0 : 1)) throw DiscordErrors.unknownCommand();
  if (guildId && access.guild) {
    const permissions = await records.allPermissions(application.id, guildId);
    const allowed = mayUseCommand({
      guildId,
      channelId: access.channel.id,
      userId: base.user.id,
      roleIds: access.guild.member.roleIds,
      channelPermissions: access.permissions,
      defaultMemberPermissions: command.definition.default_member_permissions,
      commandPermissions: permissions.get(command.id),
      applicationPermissions: permissions.get(application.id),
    });
    if (!allowed) throw DiscordErrors.missingPermissions();
  }
  const autocomplete = input.type === InteractionType.ApplicationCommandAutocomplete;
  const lookups = optionLookups(deps, access);
  const resolvedOptions = data.type === ApplicationCommandType.ChatInput ? await resolveOptions(command.definition.options ?? [], data.options ?? [], lookups, autocomplete) : { options: [], resolved: {} };
  const resolved: Record<string, unknown> = { ...resolvedOptions.resolved };
  let targetId: string | undefined;
  if (data.type !== ApplicationCommandType.ChatInput) {
    if (autocomplete) throw DiscordErrors.invalidField('type', 'BASE_TYPE_INVALID', 'Only chat commands autocomplete');
    targetId = data.target_id ?? undefined;
    if (!targetId) throw invalidFormBody(treeFor(['data', 'target_id'], { code: 'BASE_TYPE_REQUIRED', message: 'This field is required' }));
    if (data.type === ApplicationCommandType.User) {
      const user = await lookups.user(targetId);
      if (!user) throw DiscordErrors.unknownUser();
      resolved.users = { [user.id]: toDiscordUser(user) };
      const member = await lookups.member(user.id);
      if (member) resolved.members = { [user.id]: { ...toDiscordMember(member), permissions: permissionsOfMember(access, member) } };
    } else {
      const message = await deps.messages.get(access.channel.id, targetId);
      if (!message) throw DiscordErrors.unknownMessage();
      const [json] = await messagesJson(deps, [message], undefined);
      resolved.messages = { [message.id]: json };
    }
  }
  const interactionData: Record<string, unknown> = {
    id: command.id,
    name: command.definition.name,
    type: command.definition.type,
    ...(command.guildId ? { guild_id: command.guildId } : {}),
    ...(resolvedOptions.options.length > 0 ? { options: resolvedOptions.options } : {}),
    ...(Object.keys(resolved).length > 0 ? { resolved } : {}),
    ...(targetId ? { target_id: targetId } : {}),
  };
  const metadata: Record<string, unknown> = {
    id: base.id,
    type: input.type,
    user: toDiscordUser(base.user),
    authorizing_integration_owners: owners(access, base.user),
    name: command.definition.name,
    command_type: command.definition.type,
    ...(targetId && data.type === ApplicationCommandType.User ? { target_user: resolved.users ? Object.values(resolved.users as object)[0] : undefined } : {}),
    ...(targetId && data.type === ApplicationCommandType.Message ? { target_message_id: targetId } : {}),
  };
  return finish(deps, base, interactionData, metadata, { commandType: command.definition.type, commandName: command.definition.name });
}

async function componentInteraction(deps: ResolvedDeps, base: Base): Promise<BuiltInteraction> {
  const { input, access, application } = base;
  const data = parseBody(componentData, input.data);
  if (!input.message_id) throw DiscordErrors.invalidField('message_id', 'BASE_TYPE_REQUIRED', 'This field is required');
  const message = await deps.messages.get(access.channel.id, input.message_id);
  if (!message) throw DiscordErrors.unknownMessage();
  // Only the application's own messages carry components it answers for.
  if (message.authorId !== base.bot.id && message.origin?.applicationId !== application.id) throw DiscordErrors.unknownMessage();
  const component = componentsByCustomId(message.componentsJson).get(data.custom_id);
  if (!component || component.type !== data.component_type) throw invalidFormBody(treeFor(['data', 'custom_id'], { code: 'COMPONENT_UNKNOWN', message: 'Unknown component' }));
  if (component.disabled) throw invalidFormBody(treeFor(['data', 'custom_id'], { code: 'COMPONENT_DISABLED', message: 'This component is disabled' }));
  const values = data.values ?? [];
  const out: Record<string, unknown> = { custom_id: data.custom_id, component_type: data.component_type };
  if (data.component_type !== ComponentType.Button) {
    if (values.length < (component.minValues ?? 1) || values.length > (component.maxValues ?? 1)) {
      throw invalidFormBody(treeFor(['data', 'values'], { code: 'BASE_TYPE_BAD_LENGTH', message: `Choose between ${component.minValues ?? 1} and ${component.maxValues ?? 1} values` }));
    }
    if (data.component_type === ComponentType.StringSelect) {
      const unknown = values.find((v) => !(component.values ?? []).includes(v));
      if (unknown !== undefined) throw invalidFormBody(treeFor(['data', 'values'], { code: 'BASE_TYPE_CHOICES', message: `Unknown option ${unknown}` }));
    } else {
      out.resolved = await resolveSelected(deps, access, data.component_type, values);
    }
    out.values = values;
  }
  const [messageJson] = await messagesJson(deps, [message], undefined);
  const metadata = { id: base.id, type: input.type, user: toDiscordUser(base.user), authorizing_integration_owners: owners(access, base.user), interacted_message_id: message.id };
  return finish(deps, base, out, metadata, { messageId: message.id, message: messageJson });
}

async function modalInteraction(deps: ResolvedDeps, base: Base): Promise<BuiltInteraction> {
  const { input, access, application } = base;
  const data = parseBody(modalData, input.data);
  const records = new InteractionRecords(deps.store.records);
  const modal = await records.modal(base.user.id, data.custom_id);
  if (!modal || modal.applicationId !== application.id || modal.channelId !== access.channel.id) throw DiscordErrors.unknownInteraction();
  const submitted = data.components.flatMap((part) => (part.type === 1 ? part.components : part.type === 18 ? [part.component] : []));
  const given = new Map(submitted.map((input_) => [input_.custom_id, input_.value]));
  const fail = (code: string, message: string) => invalidFormBody(treeFor(['data', 'components'], { code, message }));
  for (const shown of modal.inputs) {
    const value = given.get(shown.customId);
    if (shown.required && (value === undefined || value === '')) throw fail('BASE_TYPE_REQUIRED', `${shown.label} is required`);
    if (value !== undefined && value !== '' && ((shown.minLength !== undefined && value.length < shown.minLength) || (shown.maxLength !== undefined && value.length > shown.maxLength))) {
      throw fail('BASE_TYPE_BAD_LENGTH', `${shown.label} has the wrong length`);
    }
  }
  const unknown = [...given.keys()].find((customId) => !modal.inputs.some((shown) => shown.customId === customId));
  if (unknown !== undefined) throw fail('COMPONENT_UNKNOWN', `Unknown text input ${unknown}`);
  // Accepted: the modal is used up (a bad submission above left it open for another try).
  await records.forgetModal(base.user.id, data.custom_id);
  // The application gets the layout the user's client submitted (rows or labels), text displays left out.
  const out: Record<string, unknown> = {
    custom_id: data.custom_id,
    components: data.components.flatMap((part): Record<string, unknown>[] =>
      part.type === 1
        ? [{ type: 1, components: part.components.map((c) => ({ type: 4, custom_id: c.custom_id, value: c.value })) }]
        : part.type === 18
          ? [{ type: 18, component: { type: 4, custom_id: part.component.custom_id, value: part.component.value } }]
          : [],
    ),
  };
  let messageJson: unknown;
  if (modal.messageId) {
    const message = await deps.messages.get(access.channel.id, modal.messageId);
    if (message) [messageJson] = await messagesJson(deps, [message], undefined);
  }
  const metadata = { id: base.id, type: input.type, user: toDiscordUser(base.user), authorizing_integration_owners: owners(access, base.user), triggering_interaction_metadata: { id: modal.interactionId } };
  return finish(deps, base, out, metadata, { ...(modal.messageId ? { messageId: modal.messageId } : {}), ...(messageJson ? { message: messageJson } : {}) });
}

async function finish(
  deps: ResolvedDeps,
  base: Base,
  data: Record<string, unknown>,
  metadata: Record<string, unknown>,
  extra: { commandType?: number; commandName?: string; messageId?: string; message?: unknown },
): Promise<BuiltInteraction> {
  const { access, input, application, bot, user } = base;
  const guildId = access.channel.guildId;
  const nonce = input.nonce === undefined || input.nonce === null ? null : String(input.nonce);
  const stored: StoredInteraction = {
    id: base.id,
    applicationId: application.id,
    type: input.type,
    guildId,
    channelId: access.channel.id,
    userId: user.id,
    nonce,
    ...(input.session_id ? { sessionId: input.session_id } : {}),
    ...(extra.commandType !== undefined ? { commandType: extra.commandType } : {}),
    ...(extra.commandName !== undefined ? { commandName: extra.commandName } : {}),
    ...(extra.messageId ? { messageId: extra.messageId } : {}),
    metadata,
  };
  const payload: Record<string, unknown> = {
    id: base.id,
    application_id: application.id,
    type: input.type,
    data,
    channel_id: access.channel.id,
    channel: toDiscordChannel(access.channel),
    version: 1,
    app_permissions: await appPermissions(deps, access, bot.id),
    locale: 'en-US',
    entitlements: [],
    authorizing_integration_owners: owners(access, user),
    context: guildId ? 0 : 1,
    attachment_size_limit: 10 * 1024 * 1024,
    ...(extra.message ? { message: extra.message } : {}),
  };
  if (guildId && access.guild) {
    payload.guild_id = guildId;
    payload.guild = { id: guildId, locale: access.guild.guild.preferredLocale, features: access.guild.guild.features };
    payload.guild_locale = access.guild.guild.preferredLocale;
    payload.member = { ...toDiscordMember(access.guild.member, user), permissions: access.permissions.toString() };
  } else {
    payload.user = toDiscordUser(user);
  }
  return { stored, payload, application, bot };
}

/** authorizing_integration_owners: guild installs name the guild (DMs: the user, as a user install would). */
function owners(access: ChannelAccess, user: StoredUser): Record<string, string> {
  return access.channel.guildId ? { '0': access.channel.guildId } : { '1': user.id };
}

/** The bot's own permissions in the channel (in a DM: none beyond what a recipient has, given as 0). */
async function appPermissions(deps: ResolvedDeps, access: ChannelAccess, botId: string): Promise<string> {
  if (!access.guild) return '0';
  const member = await deps.store.guilds.getMember(access.guild.guild.id, botId);
  if (!member) return '0';
  return channelPermissionsOf(guildAccessOf(access.guild.guild, access.guild.roles, member), access.channel).toString();
}

function permissionsOfMember(access: ChannelAccess, member: StoredMember): string {
  if (!access.guild) return '0';
  return channelPermissionsOf(guildAccessOf(access.guild.guild, access.guild.roles, member), access.channel).toString();
}

function optionLookups(deps: ResolvedDeps, access: ChannelAccess): OptionLookups {
  const guildId = access.channel.guildId;
  return {
    user: (id) => deps.store.users.getUser(id),
    member: async (userId) => (guildId ? deps.store.guilds.getMember(guildId, userId) : undefined),
    role: async (id) => (access.guild ? access.guild.roles.find((role) => role.id === id) : undefined),
    channel: async (id) => {
      const channel = await deps.store.guilds.getChannel(id);
      return channel && guildId && channel.guildId === guildId ? channel : undefined;
    },
    permissionsIn: (channel) => (access.guild ? channelPermissionsOf(access.guild, channel).toString() : '0'),
  };
}

async function resolveSelected(deps: ResolvedDeps, access: ChannelAccess, componentType: number, values: readonly string[]): Promise<Record<string, unknown>> {
  const lookups = optionLookups(deps, access);
  const resolved: Record<string, Record<string, unknown>> = {};
  for (const [index, value] of values.entries()) {
    const bad = () => invalidFormBody(treeFor(['data', 'values', index], { code: 'BASE_TYPE_CHOICES', message: `Unknown entity ${value}` }));
    if (!/^\d{1,20}$/.test(value)) throw bad();
    const role = componentType === ComponentType.RoleSelect || componentType === ComponentType.MentionableSelect ? await lookups.role(value) : undefined;
    if (role) {
      (resolved.roles ??= {})[role.id] = toDiscordRole(role);
      continue;
    }
    if (componentType === ComponentType.ChannelSelect) {
      const channel = await lookups.channel(value);
      if (!channel) throw bad();
      (resolved.channels ??= {})[channel.id] = resolvedChannel(channel, lookups.permissionsIn(channel));
      continue;
    }
    if (componentType === ComponentType.RoleSelect) throw bad();
    const user = await lookups.user(value);
    if (!user) throw bad();
    (resolved.users ??= {})[user.id] = toDiscordUser(user);
    const member = await lookups.member(user.id);
    if (member) (resolved.members ??= {})[user.id] = { ...toDiscordMember(member), permissions: permissionsOfMember(access, member) };
  }
  return resolved;
}

