/** Parses CHAT_GUILD_NODES (`id=host:port,...`) into ring members. */
import type { Member } from '@chat/ring';
import { InvalidGuildRequestError } from './errors';

/** @throws {InvalidGuildRequestError} on an entry that is not id=host:port. */
export function parseGuildNodes(text: string): Member[] {
  return text
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '')
    .map((entry) => {
      const match = /^([A-Za-z0-9._-]+)=(\S+:\d+)$/.exec(entry);
      if (!match) throw new InvalidGuildRequestError('CHAT_GUILD_NODES', `entry ${JSON.stringify(entry)} is not id=host:port`);
      return { id: match[1]!, address: match[2]! };
    });
}
