/**
 * Application commands, their permissions in guilds, and which applications
 * have commands in a guild, kept as records (@chat/store RecordStore):
 *
 *   app_commands   (app/scope)  command id -> {definition, version}
 *   command_perms  (app/guild)  command id (or the app id) -> permissions[]
 *   guild_apps     (guild)      app id -> "" (the guild's command index)
 *
 * A scope is "global" or a guild id. Partitions stay small: Discord caps a
 * scope at 130 commands.
 */
import type { CommandDefinition, CommandPermission } from '@chat/discord';
import type { RecordStore } from '@chat/store';

/** A stored command. */
export interface StoredCommand {
  id: string;
  applicationId: string;
  guildId: string | null;
  version: string;
  definition: CommandDefinition;
}

const COMMANDS = 'app_commands';
const PERMISSIONS = 'command_perms';
const GUILD_APPS = 'guild_apps';

const scopeOf = (applicationId: string, guildId: string | null): string => `${applicationId}/${guildId ?? 'global'}`;

/** Typed access to the command records. */
export class CommandRecords {
  constructor(private readonly records: RecordStore) {}

  /** Every command of an application in one scope, by id. */
  async list(applicationId: string, guildId: string | null): Promise<StoredCommand[]> {
    const rows = await this.records.list(COMMANDS, scopeOf(applicationId, guildId));
    return rows.map((row) => this.decode(applicationId, guildId, row.key, row.value)).sort((a, b) => compareIds(a.id, b.id));
  }

  /** One command, or undefined. */
  async get(applicationId: string, guildId: string | null, commandId: string): Promise<StoredCommand | undefined> {
    const value = await this.records.get(COMMANDS, scopeOf(applicationId, guildId), commandId);
    return value === undefined ? undefined : this.decode(applicationId, guildId, commandId, value);
  }

  /** Writes a command (new or replaced); a guild command also enters the guild's index. */
  async save(command: StoredCommand): Promise<void> {
    await this.records.put(COMMANDS, scopeOf(command.applicationId, command.guildId), command.id, JSON.stringify({ version: command.version, definition: command.definition }));
    if (command.guildId) await this.addToGuildIndex(command.guildId, command.applicationId);
  }

  /** Deletes a command and its permissions; false when it did not exist. */
  async remove(applicationId: string, guildId: string | null, commandId: string): Promise<boolean> {
    const removed = await this.records.delete(COMMANDS, scopeOf(applicationId, guildId), commandId);
    if (removed && guildId) await this.records.delete(PERMISSIONS, scopeOf(applicationId, guildId), commandId);
    return removed;
  }

  /** Records that an application is present in a guild (its bot joined, or it has guild commands). */
  async addToGuildIndex(guildId: string, applicationId: string): Promise<void> {
    await this.records.put(GUILD_APPS, guildId, applicationId, '');
  }

  /** Applications present in a guild. */
  async guildApplications(guildId: string): Promise<string[]> {
    return (await this.records.list(GUILD_APPS, guildId)).map((row) => row.key);
  }

  /** A command's (or, with the application id, the application's) permissions in a guild; undefined when none were set. */
  async permissions(applicationId: string, guildId: string, targetId: string): Promise<CommandPermission[] | undefined> {
    const value = await this.records.get(PERMISSIONS, scopeOf(applicationId, guildId), targetId);
    return value === undefined ? undefined : (JSON.parse(value) as CommandPermission[]);
  }

  /** Every permissions entry of an application in a guild, by target id. */
  async allPermissions(applicationId: string, guildId: string): Promise<Map<string, CommandPermission[]>> {
    const rows = await this.records.list(PERMISSIONS, scopeOf(applicationId, guildId));
    return new Map(rows.map((row) => [row.key, JSON.parse(row.value) as CommandPermission[]]));
  }

  /** Replaces a target's permissions in a guild (an empty list removes the entry). */
  async setPermissions(applicationId: string, guildId: string, targetId: string, permissions: readonly CommandPermission[]): Promise<void> {
    if (permissions.length === 0) await this.records.delete(PERMISSIONS, scopeOf(applicationId, guildId), targetId);
    else await this.records.put(PERMISSIONS, scopeOf(applicationId, guildId), targetId, JSON.stringify(permissions));
  }

  private decode(applicationId: string, guildId: string | null, id: string, value: string): StoredCommand {
    const { version, definition } = JSON.parse(value) as { version: string; definition: CommandDefinition };
    return { id, applicationId, guildId, version, definition };
  }
}

/** Snowflakes compared as numbers (they are decimal strings of different lengths). */
export function compareIds(a: string, b: string): number {
  return a.length - b.length || (a < b ? -1 : a > b ? 1 : 0);
}
