/**
 * What a client may send to create or edit an application command, checked
 * as Discord checks it: field shapes by zod, then the rules between fields
 * (sub-command structure, required before optional, unique names, choices
 * only where they apply, 4000 characters in all) with Discord's field error
 * codes. The answer is a normalised {@link CommandDefinition}.
 */
import { ApplicationCommandOptionType as OptionType, ApplicationCommandType, Locale } from 'discord-api-types/v10';
import type { CommandDefinition, CommandOptionDefinition } from '@chat/discord';
import { z } from 'zod';
import { bitfieldSchema, fieldIssue } from '../validation';
import { CHAT_INPUT_NAME, CHOICE_TYPES, CommandLimits, NUMERIC_TYPES } from './command-limits';

const localizations = (max: number) => z.partialRecord(z.enum(Object.values(Locale) as [Locale, ...Locale[]]), z.string().min(1).max(max)).nullish();

const choiceSchema = z.strictObject({
  name: z.string().min(1).max(CommandLimits.choiceNameLength),
  name_localizations: localizations(CommandLimits.choiceNameLength),
  /** Read-only: what Discord computed for one locale; accepted when a fetched command is sent back, not stored. */
  name_localized: z.string().nullish(),
  value: z.union([z.string().max(CommandLimits.choiceValueLength), z.number().finite()]),
});

const optionSchema = z.strictObject({
  type: z.number().int().min(OptionType.Subcommand).max(OptionType.Attachment),
  name: z.string().min(1).max(CommandLimits.nameLength),
  name_localizations: localizations(CommandLimits.nameLength),
  name_localized: z.string().nullish(),
  description: z.string().min(1).max(CommandLimits.descriptionLength),
  description_localizations: localizations(CommandLimits.descriptionLength),
  description_localized: z.string().nullish(),
  required: z.boolean().nullish(),
  autocomplete: z.boolean().nullish(),
  choices: z.array(choiceSchema).max(CommandLimits.choices).nullish(),
  channel_types: z.array(z.number().int().min(0).max(16)).nullish(),
  min_value: z.number().finite().nullish(),
  max_value: z.number().finite().nullish(),
  min_length: z.number().int().min(0).max(CommandLimits.stringLength).nullish(),
  max_length: z.number().int().min(1).max(CommandLimits.stringLength).nullish(),
  get options() {
    return z.array(optionSchema).max(CommandLimits.options).nullish();
  },
});
type OptionInput = z.infer<typeof optionSchema>;

const commandFields = {
  name: z.string().min(1).max(CommandLimits.nameLength),
  name_localizations: localizations(CommandLimits.nameLength),
  description: z.string().max(CommandLimits.descriptionLength).nullish(),
  description_localizations: localizations(CommandLimits.descriptionLength),
  options: z.array(optionSchema).max(CommandLimits.options).nullish(),
  default_member_permissions: bitfieldSchema.nullish(),
  dm_permission: z.boolean().nullish(),
  contexts: z.array(z.number().int().min(0).max(2)).min(1).nullish(),
  integration_types: z.array(z.number().int().min(0).max(1)).min(1).nullish(),
  nsfw: z.boolean().nullish(),
  /** Only PRIMARY_ENTRY_POINT commands (Activities) have a handler; this server has none. */
  handler: z.null().optional(),
  type: z.number().int().nullish(),
};

/** POST (create or overwrite by name) and each entry of PUT; `id` is allowed in PUT to keep a command's id. */
export const commandCreateSchema = z.object({ ...commandFields, id: z.string().regex(/^\d{1,20}$/).nullish() }).superRefine(checkCommandRules);
/** PATCH: every field optional; the merged command is checked again as a whole. */
export const commandPatchSchema = z.object({ ...commandFields, name: commandFields.name.optional() });

/** PUT's body: a list of commands. */
export const commandBulkSchema = z.array(commandCreateSchema).max(200);

type CommandInput = z.input<typeof commandCreateSchema>;

/** The rules between fields, for a command as a whole. */
function checkCommandRules(command: CommandInput, ctx: z.RefinementCtx): void {
  const type = command.type ?? ApplicationCommandType.ChatInput;
  if (type !== ApplicationCommandType.ChatInput && type !== ApplicationCommandType.User && type !== ApplicationCommandType.Message) {
    fieldIssue(ctx, ['type'], 'BASE_TYPE_CHOICES', type === ApplicationCommandType.PrimaryEntryPoint ? 'PRIMARY_ENTRY_POINT commands (Activities) are not supported by this server.' : 'Value must be one of (1, 2, 3).');
    return;
  }
  if (type === ApplicationCommandType.ChatInput) {
    checkChatInputName(ctx, ['name'], command.name);
    if (!command.description) fieldIssue(ctx, ['description'], 'BASE_TYPE_REQUIRED', 'This field is required');
    checkOptions(ctx, ['options'], command.options ?? [], 0);
  } else {
    if (command.description) fieldIssue(ctx, ['description'], 'APPLICATION_COMMAND_CONTEXT_MENU_DESCRIPTION', 'Context menu commands cannot have description');
    if ((command.options ?? []).length > 0) fieldIssue(ctx, ['options'], 'APPLICATION_COMMAND_CONTEXT_MENU_OPTIONS', 'Context menu commands cannot have options');
  }
  if (characterCount(command) > CommandLimits.combinedCharacters) {
    fieldIssue(ctx, [], 'APPLICATION_COMMAND_TOO_LARGE', `Command exceeds maximum size (${CommandLimits.combinedCharacters})`);
  }
}

function checkChatInputName(ctx: z.RefinementCtx, path: (string | number)[], name: string): void {
  if (!CHAT_INPUT_NAME.test(name) || name.toLowerCase() !== name) fieldIssue(ctx, path, 'APPLICATION_COMMAND_INVALID_NAME', 'Command name is invalid');
}

function checkOptions(ctx: z.RefinementCtx, path: (string | number)[], options: readonly OptionInput[], depth: 0 | 1 | 2): void {
  const names = new Set<string>();
  let seenOptional = false;
  const subcommands = options.filter((o) => o.type === OptionType.Subcommand || o.type === OptionType.SubcommandGroup).length;
  if (depth === 0 && subcommands > 0 && subcommands < options.length) {
    fieldIssue(ctx, path, 'APPLICATION_COMMAND_OPTIONS_TYPE_INVALID', 'Sub-commands and sub-command groups cannot be mixed with other options');
  }
  options.forEach((option, index) => {
    const at = [...path, index];
    checkChatInputName(ctx, [...at, 'name'], option.name);
    if (names.has(option.name)) fieldIssue(ctx, [...at, 'name'], 'APPLICATION_COMMAND_OPTIONS_NAME_ALREADY_EXISTS', 'Option names must be unique');
    names.add(option.name);
    const isGroup = option.type === OptionType.SubcommandGroup;
    const isSubcommand = option.type === OptionType.Subcommand;
    if (isGroup && depth !== 0) fieldIssue(ctx, [...at, 'type'], 'APPLICATION_COMMAND_OPTIONS_TYPE_INVALID', 'Sub-command groups may only be top-level options');
    if (isSubcommand && depth === 2) fieldIssue(ctx, [...at, 'type'], 'APPLICATION_COMMAND_OPTIONS_TYPE_INVALID', 'Sub-commands may only be top-level options or in a group');
    if (isGroup || isSubcommand) {
      for (const field of ['required', 'autocomplete', 'choices', 'channel_types', 'min_value', 'max_value', 'min_length', 'max_length'] as const) {
        if (option[field] !== undefined && option[field] !== null && option[field] !== false) fieldIssue(ctx, [...at, field], 'APPLICATION_COMMAND_OPTION_FIELD_INVALID', `${field} does not apply to sub-commands`);
      }
      const children = option.options ?? [];
      if (isGroup && children.length === 0) fieldIssue(ctx, [...at, 'options'], 'BASE_TYPE_MIN_LENGTH', 'A sub-command group needs at least one sub-command');
      if (isGroup) children.forEach((child, c) => child.type !== OptionType.Subcommand && fieldIssue(ctx, [...at, 'options', c, 'type'], 'APPLICATION_COMMAND_OPTIONS_TYPE_INVALID', 'A sub-command group may only contain sub-commands'));
      checkOptions(ctx, [...at, 'options'], children, isGroup ? 1 : 2);
      return;
    }
    if ((option.options ?? []).length > 0) fieldIssue(ctx, [...at, 'options'], 'APPLICATION_COMMAND_OPTION_FIELD_INVALID', 'Only sub-commands and groups have options');
    if (option.required) {
      if (seenOptional) fieldIssue(ctx, [...at, 'required'], 'APPLICATION_COMMAND_OPTIONS_REQUIRED_INVALID', 'Required options must be placed before non-required options');
    } else seenOptional = true;
    checkValueRules(ctx, at, option);
  });
}

function checkValueRules(ctx: z.RefinementCtx, at: (string | number)[], option: OptionInput): void {
  const choices = option.choices ?? [];
  if (choices.length > 0) {
    if (!CHOICE_TYPES.has(option.type)) fieldIssue(ctx, [...at, 'choices'], 'APPLICATION_COMMAND_OPTION_FIELD_INVALID', 'Only string, integer and number options have choices');
    if (option.autocomplete) fieldIssue(ctx, [...at, 'autocomplete'], 'APPLICATION_COMMAND_OPTION_FIELD_INVALID', 'Autocomplete cannot be set when choices are given');
    choices.forEach((choice, c) => {
      const ok = option.type === OptionType.String ? typeof choice.value === 'string' : option.type === OptionType.Integer ? Number.isInteger(choice.value) : typeof choice.value === 'number';
      if (!ok) fieldIssue(ctx, [...at, 'choices', c, 'value'], 'BASE_TYPE_INVALID', `Choice value does not match the option type ${option.type}`);
    });
  }
  if (option.autocomplete && !CHOICE_TYPES.has(option.type)) fieldIssue(ctx, [...at, 'autocomplete'], 'APPLICATION_COMMAND_OPTION_FIELD_INVALID', 'Only string, integer and number options can autocomplete');
  for (const field of ['min_value', 'max_value'] as const) {
    if (option[field] !== undefined && option[field] !== null && !NUMERIC_TYPES.has(option.type)) fieldIssue(ctx, [...at, field], 'APPLICATION_COMMAND_OPTION_FIELD_INVALID', `${field} only applies to integer and number options`);
  }
  for (const field of ['min_length', 'max_length'] as const) {
    if (option[field] !== undefined && option[field] !== null && option.type !== OptionType.String) fieldIssue(ctx, [...at, field], 'APPLICATION_COMMAND_OPTION_FIELD_INVALID', `${field} only applies to string options`);
  }
  if ((option.channel_types ?? []).length > 0 && option.type !== OptionType.Channel) fieldIssue(ctx, [...at, 'channel_types'], 'APPLICATION_COMMAND_OPTION_FIELD_INVALID', 'channel_types only applies to channel options');
  if (option.min_value != null && option.max_value != null && option.min_value > option.max_value) fieldIssue(ctx, [...at, 'min_value'], 'NUMBER_TYPE_MAX', 'min_value must not exceed max_value');
  if (option.min_length != null && option.max_length != null && option.min_length > option.max_length) fieldIssue(ctx, [...at, 'min_length'], 'NUMBER_TYPE_MAX', 'min_length must not exceed max_length');
}

/** Name, description and choice characters of a command and everything in it. */
function characterCount(command: { name: string; description?: string | null; options?: readonly OptionInput[] | null }): number {
  const ofOption = (option: OptionInput): number =>
    option.name.length + option.description.length + (option.choices ?? []).reduce((n, c) => n + c.name.length + String(c.value).length, 0) + (option.options ?? []).reduce((n, o) => n + ofOption(o), 0);
  return command.name.length + (command.description ?? '').length + (command.options ?? []).reduce((n, o) => n + ofOption(o), 0);
}

/** A parsed create body as the command it defines (nulls and read-only fields left out, defaults filled). */
export function toCommandDefinition(input: z.output<typeof commandCreateSchema>): CommandDefinition {
  const type = input.type ?? ApplicationCommandType.ChatInput;
  return {
    type,
    name: input.name,
    name_localizations: input.name_localizations ?? null,
    description: type === ApplicationCommandType.ChatInput ? (input.description ?? '') : '',
    description_localizations: input.description_localizations ?? null,
    ...(input.options && input.options.length > 0 ? { options: input.options.map(toOptionDefinition) } : {}),
    default_member_permissions: input.default_member_permissions ?? null,
    dm_permission: input.dm_permission ?? true,
    contexts: input.contexts ? [...new Set(input.contexts)] : null,
    integration_types: input.integration_types ? [...new Set(input.integration_types)] : [0],
    nsfw: input.nsfw ?? false,
  };
}

function toOptionDefinition(option: OptionInput): CommandOptionDefinition {
  const out: Record<string, unknown> = { type: option.type, name: option.name, description: option.description };
  if (option.name_localizations) out.name_localizations = option.name_localizations;
  if (option.description_localizations) out.description_localizations = option.description_localizations;
  for (const field of ['required', 'autocomplete', 'channel_types', 'min_value', 'max_value', 'min_length', 'max_length'] as const) {
    if (option[field] !== undefined && option[field] !== null) out[field] = option[field];
  }
  if (option.choices && option.choices.length > 0) {
    out.choices = option.choices.map((c) => ({ name: c.name, ...(c.name_localizations ? { name_localizations: c.name_localizations } : {}), value: c.value }));
  }
  if (option.options && option.options.length > 0) out.options = option.options.map(toOptionDefinition);
  return out as unknown as CommandOptionDefinition;
}
