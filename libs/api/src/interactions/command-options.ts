/**
 * The options a user's client sends with a command, checked against the
 * command's definition (names, types, required, choices, bounds, channel
 * types) and turned into what the application receives: typed option values
 * and the `resolved` users, members, roles and channels they name. Bad input
 * is 50035 on `data.options...`.
 */
import { ApplicationCommandOptionType as T, type APIApplicationCommandOption } from 'discord-api-types/v10';
import { toDiscordMember, toDiscordRole, toDiscordUser } from '@chat/discord';
import type { StoredChannel, StoredMember, StoredRole, StoredUser } from '@chat/store';
import { invalidFormBody, treeFor } from '../errors';

/** One option as a client sends it. */
export interface GivenOption {
  type: number;
  name: string;
  value?: string | number | boolean | null;
  options?: GivenOption[] | null;
  focused?: boolean | null;
}

/** What resolving needs: lookups in the guild (or DM) where the command runs. */
export interface OptionLookups {
  user(id: string): Promise<StoredUser | undefined>;
  member(userId: string): Promise<StoredMember | undefined>;
  role(id: string): Promise<StoredRole | undefined>;
  channel(id: string): Promise<StoredChannel | undefined>;
  /** The invoking member's permissions in a channel of the guild, as a decimal string. */
  permissionsIn(channel: StoredChannel): string;
}

/** The application's view: typed options and the entities they name. */
export interface ResolvedOptions {
  options: Record<string, unknown>[];
  resolved: { users?: Record<string, unknown>; members?: Record<string, unknown>; roles?: Record<string, unknown>; channels?: Record<string, unknown> };
}

const fail = (path: (string | number)[], code: string, message: string) => invalidFormBody(treeFor(['data', 'options', ...path], { code, message }));

/** Checks `given` against `defined`; `autocomplete` allows one focused, unfinished value and missing required options. */
export async function resolveOptions(defined: readonly APIApplicationCommandOption[], given: readonly GivenOption[], lookups: OptionLookups, autocomplete = false): Promise<ResolvedOptions> {
  const out: ResolvedOptions = { options: [], resolved: {} };
  const focused = { count: 0 };
  out.options = await resolveLevel(defined, given, [], lookups, out.resolved, autocomplete, focused);
  if (autocomplete && focused.count !== 1) throw fail([], 'AUTOCOMPLETE_FOCUS_INVALID', 'Autocomplete needs exactly one focused option');
  return out;
}

async function resolveLevel(
  defined: readonly APIApplicationCommandOption[],
  given: readonly GivenOption[],
  path: (string | number)[],
  lookups: OptionLookups,
  resolved: ResolvedOptions['resolved'],
  autocomplete: boolean,
  focused: { count: number },
): Promise<Record<string, unknown>[]> {
  if (given.length > 25) throw fail(path, 'BASE_TYPE_MAX_LENGTH', 'Must be 25 or fewer in length.');
  const nested = defined.some((o) => o.type === T.Subcommand || o.type === T.SubcommandGroup);
  if (nested) {
    if (given.length !== 1) throw fail(path, 'APPLICATION_COMMAND_SUBCOMMAND_REQUIRED', 'Choose exactly one sub-command');
    const [option] = given as [GivenOption];
    const definition = defined.find((o) => o.name === option.name);
    if (!definition || definition.type !== option.type) throw fail([...path, 0, 'name'], 'APPLICATION_COMMAND_OPTION_UNKNOWN', `Unknown sub-command ${option.name}`);
    const children = 'options' in definition ? (definition.options ?? []) : [];
    const inner = await resolveLevel(children as APIApplicationCommandOption[], option.options ?? [], [...path, 0, 'options'], lookups, resolved, autocomplete, focused);
    return [{ type: option.type, name: option.name, options: inner }];
  }
  const out: Record<string, unknown>[] = [];
  const seen = new Set<string>();
  for (const [index, option] of given.entries()) {
    const at = [...path, index];
    const definition = defined.find((o) => o.name === option.name);
    if (!definition || definition.type !== option.type) throw fail([...at, 'name'], 'APPLICATION_COMMAND_OPTION_UNKNOWN', `Unknown option ${option.name}`);
    if (seen.has(option.name)) throw fail([...at, 'name'], 'APPLICATION_COMMAND_OPTIONS_NAME_ALREADY_EXISTS', 'Option given twice');
    seen.add(option.name);
    if (option.focused) {
      if (!autocomplete || !('autocomplete' in definition && definition.autocomplete)) throw fail([...at, 'focused'], 'AUTOCOMPLETE_FOCUS_INVALID', 'This option does not autocomplete');
      focused.count += 1;
      out.push({ type: option.type, name: option.name, value: typeof option.value === 'number' || typeof option.value === 'string' ? option.value : '', focused: true });
      continue;
    }
    out.push({ type: option.type, name: option.name, value: await checkValue(definition, option.value, [...at, 'value'], lookups, resolved) });
  }
  if (!autocomplete) {
    const missing = defined.find((o) => 'required' in o && o.required && !seen.has(o.name));
    if (missing) throw fail(path, 'APPLICATION_COMMAND_OPTION_REQUIRED', `Option ${missing.name} is required`);
  }
  return out;
}

async function checkValue(
  definition: APIApplicationCommandOption,
  value: GivenOption['value'],
  at: (string | number)[],
  lookups: OptionLookups,
  resolved: ResolvedOptions['resolved'],
): Promise<unknown> {
  const bad = (message: string) => fail(at, 'BASE_TYPE_INVALID', message);
  const id = (): string => {
    if (typeof value !== 'string' || !/^\d{1,20}$/.test(value)) throw fail(at, 'NUMBER_TYPE_COERCE', `Value "${String(value)}" is not snowflake.`);
    return value;
  };
  switch (definition.type) {
    case T.String: {
      if (typeof value !== 'string') throw bad('Must be a string');
      if (definition.min_length !== undefined && value.length < definition.min_length) throw fail(at, 'BASE_TYPE_MIN_LENGTH', `Must be ${definition.min_length} or more in length.`);
      if (definition.max_length !== undefined && value.length > definition.max_length) throw fail(at, 'BASE_TYPE_MAX_LENGTH', `Must be ${definition.max_length} or fewer in length.`);
      if (value.length > 6000) throw fail(at, 'BASE_TYPE_MAX_LENGTH', 'Must be 6000 or fewer in length.');
      checkChoice(definition, value, at);
      return value;
    }
    case T.Integer:
    case T.Number: {
      if (typeof value !== 'number' || !Number.isFinite(value) || (definition.type === T.Integer && !Number.isSafeInteger(value))) throw bad(definition.type === T.Integer ? 'Must be an integer' : 'Must be a number');
      if (definition.min_value !== undefined && value < definition.min_value) throw fail(at, 'NUMBER_TYPE_MIN', `Must be at least ${definition.min_value}`);
      if (definition.max_value !== undefined && value > definition.max_value) throw fail(at, 'NUMBER_TYPE_MAX', `Must be at most ${definition.max_value}`);
      checkChoice(definition, value, at);
      return value;
    }
    case T.Boolean:
      if (typeof value !== 'boolean') throw bad('Must be a boolean');
      return value;
    case T.User:
      await resolveUser(id(), at, lookups, resolved);
      return value;
    case T.Role:
      await resolveRole(id(), at, lookups, resolved);
      return value;
    case T.Mentionable: {
      const target = id();
      const role = await lookups.role(target);
      if (role) (resolved.roles ??= {})[role.id] = toDiscordRole(role);
      else await resolveUser(target, at, lookups, resolved);
      return value;
    }
    case T.Channel: {
      const channel = await lookups.channel(id());
      if (!channel) throw fail(at, 'APPLICATION_COMMAND_OPTION_CHANNEL_UNKNOWN', 'Unknown channel');
      const types = definition.channel_types ?? [];
      if (types.length > 0 && !types.includes(channel.type as never)) throw fail(at, 'APPLICATION_COMMAND_OPTION_CHANNEL_TYPE_INVALID', 'This channel type is not allowed here');
      (resolved.channels ??= {})[channel.id] = resolvedChannel(channel, lookups.permissionsIn(channel));
      return value;
    }
    default:
      // Attachment options need uploads, which this server does not take yet.
      throw fail(at, 'BASE_TYPE_INVALID', 'Attachment options are not supported by this server yet');
  }
}

/** A channel in `resolved`: Discord's partial channel with the invoker's permissions there. */
export function resolvedChannel(channel: StoredChannel, permissions: string): Record<string, unknown> {
  return { id: channel.id, name: channel.name, type: channel.type, permissions, ...(channel.parentId ? { parent_id: channel.parentId } : {}) };
}

function checkChoice(definition: APIApplicationCommandOption, value: string | number, at: (string | number)[]): void {
  const choices = 'choices' in definition ? (definition.choices ?? []) : [];
  if (choices.length > 0 && !choices.some((choice) => choice.value === value)) throw fail(at, 'BASE_TYPE_CHOICES', 'Value must be one of the choices');
}

async function resolveUser(userId: string, at: (string | number)[], lookups: OptionLookups, resolved: ResolvedOptions['resolved']): Promise<void> {
  const user = await lookups.user(userId);
  if (!user) throw fail(at, 'APPLICATION_COMMAND_OPTION_USER_UNKNOWN', 'Unknown user');
  (resolved.users ??= {})[user.id] = toDiscordUser(user);
  const member = await lookups.member(user.id);
  if (member) (resolved.members ??= {})[user.id] = toDiscordMember(member);
}

async function resolveRole(roleId: string, at: (string | number)[], lookups: OptionLookups, resolved: ResolvedOptions['resolved']): Promise<void> {
  const role = await lookups.role(roleId);
  if (!role) throw fail(at, 'APPLICATION_COMMAND_OPTION_ROLE_UNKNOWN', 'Unknown role');
  (resolved.roles ??= {})[role.id] = toDiscordRole(role);
}
