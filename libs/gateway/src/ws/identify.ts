/**
 * IDENTIFY (op 2) and RESUME (op 6): payload validation, token
 * authentication through the users port, intent and shard checks. Every
 * refusal is a GatewayCloseError with Discord's close code.
 */
import { GatewayIntentBits } from 'discord-api-types/v10';
import type { StoredApplication, StoredUser, UserStore } from '@chat/store';
import type { SessionPresence, ShardFilter } from '../relay/local-sessions';
import { ALL_INTENTS, ApplicationFlag, CloseCode } from './gateway-codes';
import { GatewayCloseError } from './errors';

/** How privileged intents are granted to bots. */
export type PrivilegedIntentPolicy =
  /** Every bot may use them (the embedded default: no developer portal to toggle them). */
  | 'open'
  /** Only bots whose application has the matching GATEWAY_* flag (full or limited), as Discord does. */
  | 'application-flags';

/** A validated, authenticated IDENTIFY. */
export interface Identified {
  readonly user: StoredUser;
  readonly application: StoredApplication | undefined;
  readonly intents: number;
  readonly shard: ShardFilter | undefined;
  readonly largeThreshold: number;
  readonly presence: SessionPresence | undefined;
}

/** A validated RESUME. */
export interface ResumeRequest {
  readonly token: string;
  readonly sessionId: string;
  readonly sequence: number;
}

const decodeError = (what: string): GatewayCloseError => new GatewayCloseError(CloseCode.DECODE_ERROR, `invalid payload: ${what}`);

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** Strips the optional "Bot " prefix; Discord's IDENTIFY takes the bare token but clients differ. */
export function bareToken(token: string): string {
  return token.startsWith('Bot ') ? token.slice(4) : token;
}

/**
 * Authenticates a token; 4004 when unknown or revoked, and when a user token
 * comes with the "Bot " prefix (REST refuses that too: the prefix claims a
 * bot).
 */
export async function authenticate(users: UserStore, token: string): Promise<{ user: StoredUser; kind: 'user' | 'bot' }> {
  const bare = bareToken(token);
  const found = bare.length > 0 && bare.length <= 512 ? await users.findToken(bare) : undefined;
  const user = found ? await users.getUser(found.userId) : undefined;
  if (!found || !user || (found.kind !== 'bot' && bare !== token)) throw new GatewayCloseError(CloseCode.AUTHENTICATION_FAILED, 'Authentication failed.');
  return { user, kind: found.kind };
}

function parseShard(value: unknown): ShardFilter | undefined {
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value) || value.length !== 2) throw new GatewayCloseError(CloseCode.INVALID_SHARD, 'Invalid shard.');
  const [id, count] = value as unknown[];
  if (!Number.isInteger(id) || !Number.isInteger(count) || (count as number) < 1 || (id as number) < 0 || (id as number) >= (count as number)) {
    throw new GatewayCloseError(CloseCode.INVALID_SHARD, 'Invalid shard.');
  }
  return { id: id as number, count: count as number };
}

/** Validates op 3's `d` (also IDENTIFY's `presence`). */
export function parsePresence(value: unknown): SessionPresence {
  if (!isObject(value)) throw decodeError('presence must be an object');
  const status = value.status ?? 'online';
  if (status !== 'online' && status !== 'idle' && status !== 'dnd' && status !== 'invisible' && status !== 'offline') throw decodeError('presence.status');
  const activities = value.activities ?? [];
  if (!Array.isArray(activities) || activities.length > 32) throw decodeError('presence.activities');
  const since = value.since ?? null;
  if (since !== null && typeof since !== 'number') throw decodeError('presence.since');
  return { status, activities, since, afk: value.afk === true };
}

function checkIntents(intents: number, kind: 'user' | 'bot', application: StoredApplication | undefined, policy: PrivilegedIntentPolicy): void {
  if ((intents & ~ALL_INTENTS) !== 0) throw new GatewayCloseError(CloseCode.INVALID_INTENTS, 'Invalid intent(s).');
  if (kind !== 'bot' || policy === 'open') return;
  const flags = application?.flags ?? 0;
  const allowed = (bit: number, full: number, limited: number): boolean => (intents & bit) === 0 || (flags & (full | limited)) !== 0;
  const ok =
    allowed(GatewayIntentBits.GuildMembers, ApplicationFlag.GATEWAY_GUILD_MEMBERS, ApplicationFlag.GATEWAY_GUILD_MEMBERS_LIMITED) &&
    allowed(GatewayIntentBits.GuildPresences, ApplicationFlag.GATEWAY_PRESENCE, ApplicationFlag.GATEWAY_PRESENCE_LIMITED) &&
    allowed(GatewayIntentBits.MessageContent, ApplicationFlag.GATEWAY_MESSAGE_CONTENT, ApplicationFlag.GATEWAY_MESSAGE_CONTENT_LIMITED);
  if (!ok) throw new GatewayCloseError(CloseCode.DISALLOWED_INTENTS, 'Disallowed intent(s).');
}

/**
 * Validates and authenticates IDENTIFY's `d`. Order as Discord: shape (4002),
 * token (4004), intents (4013, 4014), shard (4010).
 */
export async function identify(d: unknown, users: UserStore, policy: PrivilegedIntentPolicy): Promise<Identified> {
  if (!isObject(d)) throw decodeError('IDENTIFY d must be an object');
  if (typeof d.token !== 'string') throw decodeError('token');
  if (d.properties !== undefined && !isObject(d.properties)) throw decodeError('properties');
  const large = d.large_threshold ?? 50;
  if (!Number.isInteger(large) || (large as number) < 50 || (large as number) > 250) throw decodeError('large_threshold must be 50..250');
  const presence = d.presence === undefined || d.presence === null ? undefined : parsePresence(d.presence);
  const { user, kind } = await authenticate(users, d.token);
  let intents: number;
  if (d.intents === undefined || d.intents === null) {
    // Bots must send intents (v10); user clients get everything, as Discord's client does.
    if (kind === 'bot') throw new GatewayCloseError(CloseCode.INVALID_INTENTS, 'Invalid intent(s).');
    intents = ALL_INTENTS;
  } else if (typeof d.intents === 'number' && Number.isInteger(d.intents) && d.intents >= 0 && d.intents <= 0x7fffffff) {
    intents = d.intents;
  } else {
    throw new GatewayCloseError(CloseCode.INVALID_INTENTS, 'Invalid intent(s).');
  }
  const application = kind === 'bot' ? await users.getApplicationByBotUser(user.id) : undefined;
  checkIntents(intents, kind, application, policy);
  const shard = parseShard(d.shard);
  return { user, application, intents, shard, largeThreshold: large as number, presence };
}

/** Validates RESUME's `d`. */
export function parseResume(d: unknown): ResumeRequest {
  if (!isObject(d)) throw decodeError('RESUME d must be an object');
  if (typeof d.token !== 'string' || typeof d.session_id !== 'string') throw decodeError('token and session_id');
  if (!Number.isInteger(d.seq) || (d.seq as number) < 0) throw new GatewayCloseError(CloseCode.INVALID_SEQ, 'Invalid seq.');
  return { token: d.token, sessionId: d.session_id, sequence: d.seq as number };
}

