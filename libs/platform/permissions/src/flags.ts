/**
 * Discord's permission bits (a 64-bit field, bigint here, decimal string on
 * the wire). Only the bits this server checks or hands out are named; unknown
 * bits pass through untouched.
 */
export const Permission = {
  CREATE_INSTANT_INVITE: 1n << 0n,
  KICK_MEMBERS: 1n << 1n,
  BAN_MEMBERS: 1n << 2n,
  ADMINISTRATOR: 1n << 3n,
  MANAGE_CHANNELS: 1n << 4n,
  MANAGE_GUILD: 1n << 5n,
  ADD_REACTIONS: 1n << 6n,
  VIEW_AUDIT_LOG: 1n << 7n,
  PRIORITY_SPEAKER: 1n << 8n,
  STREAM: 1n << 9n,
  VIEW_CHANNEL: 1n << 10n,
  SEND_MESSAGES: 1n << 11n,
  SEND_TTS_MESSAGES: 1n << 12n,
  MANAGE_MESSAGES: 1n << 13n,
  EMBED_LINKS: 1n << 14n,
  ATTACH_FILES: 1n << 15n,
  READ_MESSAGE_HISTORY: 1n << 16n,
  MENTION_EVERYONE: 1n << 17n,
  USE_EXTERNAL_EMOJIS: 1n << 18n,
  VIEW_GUILD_INSIGHTS: 1n << 19n,
  CONNECT: 1n << 20n,
  SPEAK: 1n << 21n,
  MUTE_MEMBERS: 1n << 22n,
  DEAFEN_MEMBERS: 1n << 23n,
  MOVE_MEMBERS: 1n << 24n,
  USE_VAD: 1n << 25n,
  CHANGE_NICKNAME: 1n << 26n,
  MANAGE_NICKNAMES: 1n << 27n,
  MANAGE_ROLES: 1n << 28n,
  MANAGE_WEBHOOKS: 1n << 29n,
  MANAGE_GUILD_EXPRESSIONS: 1n << 30n,
  USE_APPLICATION_COMMANDS: 1n << 31n,
  MANAGE_THREADS: 1n << 34n,
  SEND_MESSAGES_IN_THREADS: 1n << 38n,
  MODERATE_MEMBERS: 1n << 40n,
  /** Create emojis and stickers, and edit or delete one's own (MANAGE_GUILD_EXPRESSIONS: anyone's). */
  CREATE_GUILD_EXPRESSIONS: 1n << 43n,
  /** Pin and unpin messages (Discord split it from MANAGE_MESSAGES in 2025; either allows pinning). */
  PIN_MESSAGES: 1n << 51n,
} as const;

/** Every bit set: what an owner or an administrator has. */
export const ALL_PERMISSIONS = (1n << 64n) - 1n;

/**
 * What @everyone gets in a new guild, as Discord grants it: view, send, read
 * history, react, embed, attach, invite, change nickname, connect, speak, VAD,
 * mention everyone off.
 */
export const DEFAULT_EVERYONE_PERMISSIONS =
  Permission.CREATE_INSTANT_INVITE |
  Permission.ADD_REACTIONS |
  Permission.STREAM |
  Permission.VIEW_CHANNEL |
  Permission.SEND_MESSAGES |
  Permission.SEND_TTS_MESSAGES |
  Permission.EMBED_LINKS |
  Permission.ATTACH_FILES |
  Permission.READ_MESSAGE_HISTORY |
  Permission.USE_EXTERNAL_EMOJIS |
  Permission.CONNECT |
  Permission.SPEAK |
  Permission.USE_VAD |
  Permission.CHANGE_NICKNAME |
  Permission.USE_APPLICATION_COMMANDS |
  Permission.SEND_MESSAGES_IN_THREADS;

/** True when every bit of `required` is in `granted`. */
export function hasPermission(granted: bigint, required: bigint): boolean {
  return (granted & required) === required;
}

/** Parses a decimal permission string from the wire; malformed input is an error, never 0. */
export function parsePermissions(value: string | number | bigint): bigint {
  if (typeof value === 'bigint') return value & ALL_PERMISSIONS;
  const text = String(value);
  if (!/^\d{1,20}$/.test(text)) throw new RangeError(`permissions must be a decimal string, got ${JSON.stringify(value)}`);
  const parsed = BigInt(text);
  if (parsed > ALL_PERMISSIONS) throw new RangeError(`permissions ${text} do not fit in 64 bits`);
  return parsed;
}
