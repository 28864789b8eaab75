import { InvalidArgumentError } from '@chat/errors';
import type { Member } from './membership';

/** Thrown by `parseMemberList` for an entry that is not `id=host:port`; names where the list came from. */
export class InvalidMemberListError extends InvalidArgumentError {
  constructor(
    /** Where the list came from, e.g. the configuration key `CHAT_GUILD_NODES`. */
    readonly source: string,
    /** The entry that could not be read. */
    readonly entry: string,
  ) {
    super(`${source}: entry ${JSON.stringify(entry)} is not id=host:port`, { details: { source, entry } });
  }
}

/**
 * Reads a static member list, `id=host:port` entries separated by commas
 * (CHAT_GUILD_NODES, CHAT_GATEWAY_GUILD_NODES, CHAT_API_DATA_NODES), for a
 * StaticMembership. Blank entries are ignored.
 *
 * @throws {InvalidMemberListError} on an entry without `=` or without a port.
 */
export function parseMemberList(text: string, source: string): Member[] {
  return text
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '')
    .map((entry) => {
      const match = /^([A-Za-z0-9._-]+)=(\S+:\d+)$/.exec(entry);
      if (!match) throw new InvalidMemberListError(source, entry);
      return { id: match[1]!, address: match[2]! };
    });
}

/**
 * A configured member list, or, when the setting is empty, the one member
 * `localId` at `localAddress` (a service running in this same process: the
 * all-in-one `npm start`).
 */
export function memberListOrLocal(text: string, source: string, localId: string, localAddress: string): Member[] {
  return text.trim() === '' ? [{ id: localId, address: localAddress }] : parseMemberList(text, source);
}
