/**
 * Application commands: global and guild commands of an application (list,
 * create or overwrite by name, bulk overwrite, read, edit, delete), their
 * permissions in a guild, and the guild's command index a user's client
 * reads to offer the commands it may use.
 */
import { ApplicationCommandPermissionType } from 'discord-api-types/v10';
import { toDiscordApplicationCommand, toDiscordCommandPermissions, type CommandDefinition, type CommandPermission } from '@chat/discord';
import { Permission } from '@chat/permissions';
import type { StoredApplication } from '@chat/store';
import { z } from 'zod';
import { loadGuildAccess, requirePermission } from '../access';
import { CommandRecords, compareIds, type StoredCommand } from '../commands/command-records';
import { COMMANDS_PER_SCOPE, CommandLimits } from '../commands/command-limits';
import { commandBulkSchema, commandCreateSchema, commandPatchSchema, toCommandDefinition } from '../commands/command-schema';
import { mayUseCommand } from '../commands/command-access';
import { DiscordErrors, invalidFormBody, treeFor } from '../errors';
import type { Caller, HttpMethod, ResolvedDeps, RouteDefinition, RouteResult } from '../route-context';
import { created, dispatchOf, noContent, ok, sendToUsers } from '../route-context';
import { parseBody, snowflakeParam } from '../validation';

const permissionsBody = z.object({
  permissions: z
    .array(z.strictObject({ id: z.string().regex(/^\d{1,20}$/), type: z.union([z.literal(1), z.literal(2), z.literal(3)]), permission: z.boolean() }))
    .max(CommandLimits.permissions),
});

/** The application the caller manages: its bot (Bot token) or its owner. Unknown -> 10002; someone else's -> 50001. */
async function managedApplication(deps: ResolvedDeps, caller: Caller, applicationId: string | undefined): Promise<StoredApplication> {
  const application = await deps.store.users.getApplication(snowflakeParam(applicationId, 'application_id'));
  if (!application) throw DiscordErrors.unknownApplication();
  if (application.botUserId !== caller.user.id && application.ownerId !== caller.user.id) throw DiscordErrors.missingAccess();
  return application;
}

/** A guild scope: the guild exists and the application's bot is in it (Discord: the application is authorised there). */
async function guildScope(deps: ResolvedDeps, application: StoredApplication, guildId: string | undefined): Promise<string> {
  const id = snowflakeParam(guildId, 'guild_id');
  const guild = await deps.store.guilds.getGuild(id);
  if (!guild) throw DiscordErrors.unknownGuild();
  if (!application.botUserId || !(await deps.store.guilds.getMember(id, application.botUserId))) throw DiscordErrors.missingAccess();
  return id;
}

const commandsOf = (deps: ResolvedDeps): CommandRecords => new CommandRecords(deps.store.records);
const toJson = (command: StoredCommand) => toDiscordApplicationCommand(command.definition, command);
const sameDefinition = (a: CommandDefinition, b: CommandDefinition): boolean => JSON.stringify(a) === JSON.stringify(b);

/** Throws 30032 when a scope would hold more commands of a type than Discord allows. */
function checkScopeLimits(commands: readonly { definition: CommandDefinition }[]): void {
  const counts = new Map<number, number>();
  for (const { definition } of commands) counts.set(definition.type, (counts.get(definition.type) ?? 0) + 1);
  for (const [type, count] of counts) if (count > (COMMANDS_PER_SCOPE[type] ?? 0)) throw DiscordErrors.maxCommands();
}

const duplicateName = (path: (string | number)[]) => treeFor(path, { code: 'APPLICATION_COMMANDS_DUPLICATE_NAME', message: 'Application command names must be unique' });

async function createCommand(deps: ResolvedDeps, applicationId: string, guildId: string | null, body: unknown): Promise<RouteResult> {
  const definition = toCommandDefinition(parseBody(commandCreateSchema, body));
  const records = commandsOf(deps);
  const existing = await records.list(applicationId, guildId);
  const same = existing.find((c) => c.definition.type === definition.type && c.definition.name === definition.name);
  if (same) {
    // Discord: creating a command with an existing name overwrites it (200, same id).
    const updated: StoredCommand = { ...same, definition, version: sameDefinition(same.definition, definition) ? same.version : deps.nextId() };
    await records.save(updated);
    return ok(toJson(updated));
  }
  checkScopeLimits([...existing, { definition }]);
  const command: StoredCommand = { id: deps.nextId(), applicationId, guildId, version: deps.nextId(), definition };
  await records.save(command);
  return created(toJson(command));
}

async function overwriteCommands(deps: ResolvedDeps, applicationId: string, guildId: string | null, body: unknown): Promise<RouteResult> {
  const inputs = parseBody(commandBulkSchema, body);
  const definitions = inputs.map(toCommandDefinition);
  const seen = new Map<string, number>();
  definitions.forEach((definition, index) => {
    const key = `${definition.type}:${definition.name}`;
    if (seen.has(key)) throw invalidFormBody(duplicateName([index, 'name']));
    seen.set(key, index);
  });
  checkScopeLimits(definitions.map((definition) => ({ definition })));
  const records = commandsOf(deps);
  const existing = await records.list(applicationId, guildId);
  const byId = new Map(existing.map((c) => [c.id, c]));
  const byName = new Map(existing.map((c) => [`${c.definition.type}:${c.definition.name}`, c]));
  const kept = new Set<string>();
  const result: StoredCommand[] = [];
  for (const [index, definition] of definitions.entries()) {
    const wantedId = inputs[index]?.id ?? undefined;
    if (wantedId && !byId.has(wantedId)) throw invalidFormBody(treeFor([index, 'id'], { code: 'APPLICATION_COMMAND_UNKNOWN', message: `Unknown application command ${wantedId}` }));
    const previous = wantedId ? byId.get(wantedId) : byName.get(`${definition.type}:${definition.name}`);
    const command: StoredCommand = previous
      ? { ...previous, definition, version: sameDefinition(previous.definition, definition) ? previous.version : deps.nextId() }
      : { id: deps.nextId(), applicationId, guildId, version: deps.nextId(), definition };
    kept.add(command.id);
    result.push(command);
  }
  // Writes first, then deletes: a failure half way leaves extra commands, never missing ones.
  await Promise.all(result.map((command) => records.save(command)));
  await Promise.all(existing.filter((c) => !kept.has(c.id)).map((c) => records.remove(applicationId, guildId, c.id)));
  return ok(result.sort((a, b) => compareIds(a.id, b.id)).map(toJson));
}

async function editCommand(deps: ResolvedDeps, applicationId: string, guildId: string | null, commandId: string, body: unknown): Promise<RouteResult> {
  const records = commandsOf(deps);
  const current = await records.get(applicationId, guildId, commandId);
  if (!current) throw DiscordErrors.unknownCommand();
  const patch = parseBody(commandPatchSchema, body);
  const merged: Record<string, unknown> = { ...current.definition };
  for (const [field, value] of Object.entries(patch)) if (value !== undefined) merged[field] = value;
  merged.type = current.definition.type;
  const definition = toCommandDefinition(parseBody(commandCreateSchema, merged));
  const clash = (await records.list(applicationId, guildId)).find((c) => c.id !== commandId && c.definition.type === definition.type && c.definition.name === definition.name);
  if (clash) throw invalidFormBody(duplicateName(['name']));
  const updated: StoredCommand = { ...current, definition, version: sameDefinition(current.definition, definition) ? current.version : deps.nextId() };
  await records.save(updated);
  return ok(toJson(updated));
}

/** Routes of one scope: global (`/applications/:applicationId/commands`) or guild. */
function scopeRoutes(prefix: string, guildScoped: boolean): [HttpMethod, string, RouteDefinition][] {
  const scope = async (deps: ResolvedDeps, caller: Caller, params: Record<string, string>) => {
    const application = await managedApplication(deps, caller, params.applicationId);
    return { application, guildId: guildScoped ? await guildScope(deps, application, params.guildId) : null };
  };
  const commandId = (params: Record<string, string>) => snowflakeParam(params.commandId, 'command_id');
  const bucket = guildScoped ? 'commands.guild' : 'commands.global';
  return [
    ['GET', prefix, { auth: 'required', bucket, major: 'applicationId', handler: async ({ deps, caller, params }) => {
      const { application, guildId } = await scope(deps, caller, params);
      return ok((await commandsOf(deps).list(application.id, guildId)).map(toJson));
    } }],
    ['POST', prefix, { auth: 'required', bucket: `${bucket}.create`, major: 'applicationId', handler: async ({ deps, caller, params, body }) => {
      const { application, guildId } = await scope(deps, caller, params);
      return createCommand(deps, application.id, guildId, body);
    } }],
    ['PUT', prefix, { auth: 'required', bucket: `${bucket}.overwrite`, major: 'applicationId', handler: async ({ deps, caller, params, body }) => {
      const { application, guildId } = await scope(deps, caller, params);
      return overwriteCommands(deps, application.id, guildId, body);
    } }],
    ['GET', `${prefix}/:commandId`, { auth: 'required', bucket, major: 'applicationId', handler: async ({ deps, caller, params }) => {
      const { application, guildId } = await scope(deps, caller, params);
      const command = await commandsOf(deps).get(application.id, guildId, commandId(params));
      if (!command) throw DiscordErrors.unknownCommand();
      return ok(toJson(command));
    } }],
    ['PATCH', `${prefix}/:commandId`, { auth: 'required', bucket: `${bucket}.edit`, major: 'applicationId', handler: async ({ deps, caller, params, body }) => {
      const { application, guildId } = await scope(deps, caller, params);
      return editCommand(deps, application.id, guildId, commandId(params), body);
    } }],
    ['DELETE', `${prefix}/:commandId`, { auth: 'required', bucket: `${bucket}.delete`, major: 'applicationId', handler: async ({ deps, caller, params }) => {
      const { application, guildId } = await scope(deps, caller, params);
      if (!(await commandsOf(deps).remove(application.id, guildId, commandId(params)))) throw DiscordErrors.unknownCommand();
      return noContent();
    } }],
  ];
}

/** A permissions target: a command of the application (global or this guild's) or the application itself. */
async function permissionTarget(deps: ResolvedDeps, applicationId: string, guildId: string, targetId: string): Promise<void> {
  if (targetId === applicationId) return;
  const records = commandsOf(deps);
  if (!(await records.get(applicationId, guildId, targetId)) && !(await records.get(applicationId, null, targetId))) throw DiscordErrors.unknownCommand();
}

function permissionRoutes(): [HttpMethod, string, RouteDefinition][] {
  const prefix = '/applications/:applicationId/guilds/:guildId/commands';
  return [
    ['GET', `${prefix}/permissions`, { auth: 'required', bucket: 'commands.permissions', major: 'guildId', handler: async ({ deps, caller, params }) => {
      const application = await managedApplication(deps, caller, params.applicationId);
      const guildId = await guildScope(deps, application, params.guildId);
      const all = await commandsOf(deps).allPermissions(application.id, guildId);
      return ok([...all].map(([id, permissions]) => toDiscordCommandPermissions(id, application.id, guildId, permissions)));
    } }],
    ['GET', `${prefix}/:commandId/permissions`, { auth: 'required', bucket: 'commands.permissions', major: 'guildId', handler: async ({ deps, caller, params }) => {
      const application = await managedApplication(deps, caller, params.applicationId);
      const guildId = await guildScope(deps, application, params.guildId);
      const targetId = snowflakeParam(params.commandId, 'command_id');
      await permissionTarget(deps, application.id, guildId, targetId);
      const permissions = await commandsOf(deps).permissions(application.id, guildId, targetId);
      if (!permissions) throw DiscordErrors.unknownCommandPermissions();
      return ok(toDiscordCommandPermissions(targetId, application.id, guildId, permissions));
    } }],
    [
      // Discord takes this only from a user's OAuth2 Bearer token with the right to manage the guild and its roles;
      // here that is the user's own token (a bot is refused, as Discord refuses bot tokens).
      'PUT',
      `${prefix}/:commandId/permissions`,
      { auth: 'required', bucket: 'commands.permissions.edit', major: 'guildId', callers: 'users', handler: async ({ deps, caller, params, body }) => {
        const applicationId = snowflakeParam(params.applicationId, 'application_id');
        const application = await deps.store.users.getApplication(applicationId);
        if (!application) throw DiscordErrors.unknownApplication();
        const guildId = snowflakeParam(params.guildId, 'guild_id');
        const access = await loadGuildAccess(deps.store.guilds, guildId, caller.user.id);
        requirePermission(access.permissions, Permission.MANAGE_GUILD | Permission.MANAGE_ROLES);
        const targetId = snowflakeParam(params.commandId, 'command_id');
        await permissionTarget(deps, application.id, guildId, targetId);
        const input = parseBody(permissionsBody, body);
        const permissions: CommandPermission[] = input.permissions.map((p) => ({ id: p.id, type: p.type as ApplicationCommandPermissionType, permission: p.permission }));
        await commandsOf(deps).setPermissions(application.id, guildId, targetId, permissions);
        const json = toDiscordCommandPermissions(targetId, application.id, guildId, permissions);
        // Discord tells the application (its bot, on the guild's shard) that its command permissions changed.
        if (application.botUserId) await sendToUsers(deps, [application.botUserId], dispatchOf('APPLICATION_COMMAND_PERMISSIONS_UPDATE', json, { shardGuildId: guildId }));
        return ok(json);
      } },
    ],
  ];
}

/**
 * The guild's command index, as Discord's own client reads it: the
 * applications present in the guild and every command of theirs (global and
 * this guild's) the caller may use somewhere in the guild, i.e. ignoring
 * channel entries, which POST /interactions checks.
 */
function indexRoutes(): [HttpMethod, string, RouteDefinition][] {
  return [
    ['GET', '/guilds/:guildId/application-command-index', { auth: 'required', bucket: 'commands.index', major: 'guildId', handler: async ({ deps, caller, params }) => {
      const access = await loadGuildAccess(deps.store.guilds, params.guildId ?? '', caller.user.id);
      const guildId = access.guild.id;
      const records = commandsOf(deps);
      const applications: Record<string, unknown>[] = [];
      const commands: unknown[] = [];
      for (const applicationId of await records.guildApplications(guildId)) {
        const application = await deps.store.users.getApplication(applicationId);
        if (!application?.botUserId || !(await deps.store.guilds.getMember(guildId, application.botUserId))) continue;
        const [globals, locals, permissions] = await Promise.all([records.list(applicationId, null), records.list(applicationId, guildId), records.allPermissions(applicationId, guildId)]);
        const usable = [...globals.filter((c) => (c.definition.contexts ?? [0]).includes(0)), ...locals].filter((command) =>
          mayUseCommand({
            guildId,
            channelId: '0',
            userId: caller.user.id,
            roleIds: access.member.roleIds,
            channelPermissions: access.permissions,
            defaultMemberPermissions: command.definition.default_member_permissions,
            commandPermissions: stripChannels(permissions.get(command.id)),
            applicationPermissions: stripChannels(permissions.get(applicationId)),
          }),
        );
        if (usable.length === 0) continue;
        applications.push({ id: application.id, name: application.name, description: application.description, icon: null, bot_id: application.botUserId });
        commands.push(...usable.map(toJson));
      }
      return ok({ applications, application_commands: commands, version: deps.nextId() });
    } }],
  ];
}

const stripChannels = (entries: CommandPermission[] | undefined) => entries?.filter((e) => e.type !== ApplicationCommandPermissionType.Channel);

/** The application command routes. */
export function commandRoutes(): [HttpMethod, string, RouteDefinition][] {
  return [
    ...scopeRoutes('/applications/:applicationId/commands', false),
    ...scopeRoutes('/applications/:applicationId/guilds/:guildId/commands', true),
    ...permissionRoutes(),
    ...indexRoutes(),
  ];
}

