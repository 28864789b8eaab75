/**
 * Discord's limits on application commands (developer docs, "Application
 * Commands": naming, option structure, "Registering a Command").
 */
import { ApplicationCommandOptionType, ApplicationCommandType } from 'discord-api-types/v10';

export const CommandLimits = {
  /** Names of commands and options: 1-32 characters. */
  nameLength: 32,
  /** Descriptions of CHAT_INPUT commands and options: 1-100 characters. */
  descriptionLength: 100,
  /** Options of a command or sub-command, and choices of an option. */
  options: 25,
  choices: 25,
  /** Choice names 1-100 characters, string values at most 100. */
  choiceNameLength: 100,
  choiceValueLength: 100,
  /** min_length 0-6000, max_length 1-6000. */
  stringLength: 6000,
  /** Name, description and value of the command, its options and choices together. */
  combinedCharacters: 4000,
  /** Permission overwrites of one command in one guild. */
  permissions: 100,
} as const;

/** Commands of one type an application may have in one scope (global, or one guild). */
export const COMMANDS_PER_SCOPE: Readonly<Record<number, number>> = {
  [ApplicationCommandType.ChatInput]: 100,
  [ApplicationCommandType.User]: 15,
  [ApplicationCommandType.Message]: 15,
};

/**
 * CHAT_INPUT command and option names (the docs' regex, with the unicode
 * flag); a letter with a lowercase form must be given lowercase.
 */
export const CHAT_INPUT_NAME = /^[-_'\p{L}\p{N}\p{sc=Deva}\p{sc=Thai}]{1,32}$/u;

/** Option types whose values may be restricted to choices. */
export const CHOICE_TYPES: ReadonlySet<number> = new Set([ApplicationCommandOptionType.String, ApplicationCommandOptionType.Integer, ApplicationCommandOptionType.Number]);
/** Option types that take min_value / max_value. */
export const NUMERIC_TYPES: ReadonlySet<number> = new Set([ApplicationCommandOptionType.Integer, ApplicationCommandOptionType.Number]);
