import type { Member } from '@chat/ring';
import { InvalidInstanceListError } from './errors';

/**
 * Reads a static list of data-service instances, `id=host:port` separated by
 * commas (e.g. from CHAT_DATA_SERVICE_INSTANCES), for a StaticMembership.
 *
 * @throws {InvalidInstanceListError} on an entry without `=` or without a port.
 */
export function parseInstanceList(text: string): Member[] {
  return text
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '')
    .map((entry) => {
      const match = /^([A-Za-z0-9._-]+)=(\S+:\d+)$/.exec(entry);
      if (!match) throw new InvalidInstanceListError(entry);
      return { id: match[1]!, address: match[2]! };
    });
}
