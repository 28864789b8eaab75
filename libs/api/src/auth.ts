/**
 * Authentication as Discord's: the Authorization header carries a user token
 * as it is, or a bot token after "Bot ". Tokens are looked up by hash in the
 * store's users port; a bot token without the prefix, or a user token with
 * it, is refused.
 */
import type { IncomingMessage } from 'node:http';
import type { UserStore } from '@chat/store';
import { DiscordErrors } from './errors';
import type { Caller } from './route-context';

/** Resolves the caller from the Authorization header; undefined when there is none. Throws 401 for a bad one. */
export async function authenticate(req: IncomingMessage, users: UserStore): Promise<Caller | undefined> {
  const header = req.headers.authorization;
  if (header === undefined || header.trim() === '') return undefined;
  const value = header.trim();
  const isBot = /^Bot\s+/i.test(value);
  const token = isBot ? value.replace(/^Bot\s+/i, '') : value.replace(/^Bearer\s+/i, '');
  if (token === '' || token.length > 512) throw DiscordErrors.unauthorized();
  const stored = await users.findToken(token);
  if (!stored) throw DiscordErrors.unauthorized();
  if ((stored.kind === 'bot') !== isBot) throw DiscordErrors.unauthorized();
  const user = await users.getUser(stored.userId);
  if (!user) throw DiscordErrors.unauthorized();
  return { user, kind: stored.kind };
}
