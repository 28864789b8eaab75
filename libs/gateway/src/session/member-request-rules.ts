/**
 * Who may ask what of REQUEST_GUILD_MEMBERS (op 8), as Discord documents it:
 * only a session in the guild gets an answer; the whole member list (an
 * empty query without user_ids) needs the GUILD_MEMBERS intent; presences
 * need GUILD_PRESENCES and are left out without it. Discord answers a refused
 * request with nothing at all (no chunk, no close), and so does this.
 */
import { GatewayIntentBits } from 'discord-api-types/v10';
import type { MemberRequest } from './session.messages';

/** What the rules look at: the session's guilds (in its shard) and IDENTIFY's intents. */
export interface MemberRequester {
  readonly guildIds: ReadonlySet<string>;
  readonly intents: number;
}

/** The request as it may be answered, or undefined when it gets no answer. */
export function admitMemberRequest(request: MemberRequest, session: MemberRequester): MemberRequest | undefined {
  if (!session.guildIds.has(request.guildId)) return undefined;
  const wholeList = request.query === '' && request.userIds.length === 0;
  if (wholeList && (session.intents & GatewayIntentBits.GuildMembers) === 0) return undefined;
  if (request.presences && (session.intents & GatewayIntentBits.GuildPresences) === 0) return { ...request, presences: false };
  return request;
}
