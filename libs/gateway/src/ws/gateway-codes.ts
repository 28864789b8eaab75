/**
 * Discord gateway v10 numbers: opcodes and close codes, as Discord's
 * developer documentation lists them. Intent bits are discord-api-types'
 * GatewayIntentBits.
 */
import { GatewayIntentBits } from 'discord-api-types/v10';

/** Gateway opcodes (the `op` of every frame). */
export const Op = {
  DISPATCH: 0,
  HEARTBEAT: 1,
  IDENTIFY: 2,
  PRESENCE_UPDATE: 3,
  VOICE_STATE_UPDATE: 4,
  RESUME: 6,
  RECONNECT: 7,
  REQUEST_GUILD_MEMBERS: 8,
  INVALID_SESSION: 9,
  HELLO: 10,
  HEARTBEAT_ACK: 11,
  /** Discord client's lazy guild request (user clients only). */
  LAZY_REQUEST: 14,
  /** Discord client's bulk guild subscriptions (user clients only). */
  GUILD_SUBSCRIPTIONS_BULK: 37,
} as const;

/** Gateway close codes 4000-4014 with Discord's meanings (4006 is unused by Discord). */
export const CloseCode = {
  UNKNOWN_ERROR: 4000,
  UNKNOWN_OPCODE: 4001,
  DECODE_ERROR: 4002,
  NOT_AUTHENTICATED: 4003,
  AUTHENTICATION_FAILED: 4004,
  ALREADY_AUTHENTICATED: 4005,
  INVALID_SEQ: 4007,
  RATE_LIMITED: 4008,
  SESSION_TIMED_OUT: 4009,
  INVALID_SHARD: 4010,
  SHARDING_REQUIRED: 4011,
  INVALID_API_VERSION: 4012,
  INVALID_INTENTS: 4013,
  DISALLOWED_INTENTS: 4014,
} as const;

/** A gateway close code value. */
export type CloseCodeValue = (typeof CloseCode)[keyof typeof CloseCode];

/** Every intent bit Discord defines (discord-api-types' GatewayIntentBits); a bit outside this mask is an invalid intent (4013). */
export const ALL_INTENTS = Object.values(GatewayIntentBits)
  .filter((bit): bit is GatewayIntentBits => typeof bit === 'number')
  .reduce<number>((mask, bit) => mask | bit, 0);

/** Intents a bot must be allowed to use (4014 otherwise). */
export const PRIVILEGED_INTENTS = GatewayIntentBits.GuildMembers | GatewayIntentBits.GuildPresences | GatewayIntentBits.MessageContent;

/** Application flags that allow a privileged intent (full or limited). */
export const ApplicationFlag = {
  GATEWAY_PRESENCE: 1 << 12,
  GATEWAY_PRESENCE_LIMITED: 1 << 13,
  GATEWAY_GUILD_MEMBERS: 1 << 14,
  GATEWAY_GUILD_MEMBERS_LIMITED: 1 << 15,
  GATEWAY_MESSAGE_CONTENT: 1 << 18,
  GATEWAY_MESSAGE_CONTENT_LIMITED: 1 << 19,
} as const;

/** Discord's default HELLO heartbeat interval. */
export const DEFAULT_HEARTBEAT_INTERVAL_MS = 41_250;

/** Largest client payload Discord accepts (bigger ones close with 4002). */
export const MAX_CLIENT_PAYLOAD_BYTES = 4096;

/** Client events allowed per window before 4008. */
export const RATE_LIMIT_EVENTS = 120;

/** The rate-limit window. */
export const RATE_LIMIT_WINDOW_MS = 60_000;
