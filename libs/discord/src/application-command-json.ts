/** Discord's application command object, and the permissions object of a command in a guild. */
import type { APIApplicationCommand, APIApplicationCommandOption, APIApplicationCommandPermission, APIGuildApplicationCommandPermissions } from 'discord-api-types/v10';

/** One option of a command as stored: Discord's option object. */
export type CommandOptionDefinition = APIApplicationCommandOption;

/**
 * A command as defined by its application: Discord's command object without
 * what the server assigns (id, application_id, guild_id, version).
 */
export type CommandDefinition = Pick<APIApplicationCommand, 'type' | 'name' | 'description' | 'default_member_permissions' | 'nsfw'> & {
  name_localizations: Record<string, string> | null;
  description_localizations: Record<string, string> | null;
  options?: CommandOptionDefinition[];
  dm_permission: boolean;
  contexts: number[] | null;
  integration_types: number[];
};

/** What the server assigns to a command. */
export interface CommandIdentity {
  id: string;
  applicationId: string;
  /** Null for a global command. */
  guildId: string | null;
  /** A snowflake that changes on every edit. */
  version: string;
}

/** Discord's application command object. */
export function toDiscordApplicationCommand(definition: CommandDefinition, identity: CommandIdentity): APIApplicationCommand {
  return {
    id: identity.id,
    application_id: identity.applicationId,
    version: identity.version,
    ...(identity.guildId ? { guild_id: identity.guildId } : {}),
    ...definition,
  } as APIApplicationCommand;
}

/** One permission overwrite of a command: a role (1), user (2) or channel (3) allowed or denied. */
export type CommandPermission = APIApplicationCommandPermission;

/** Discord's guild application command permissions object (`id` is the command's, or the application's for its defaults). */
export function toDiscordCommandPermissions(id: string, applicationId: string, guildId: string, permissions: readonly CommandPermission[]): APIGuildApplicationCommandPermissions {
  return { id, application_id: applicationId, guild_id: guildId, permissions: [...permissions] };
}
