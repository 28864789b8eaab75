/** The origin column: a message's MessageOrigin as compact JSON, null for a user's own message. */
import type { MessageOrigin } from './message-store.port';

/** JSON text of an origin, or null when there is none. */
export function encodeOrigin(origin: MessageOrigin | null | undefined): string | null {
  if (!origin) return null;
  const fields = Object.entries(origin).filter(([, value]) => value !== undefined);
  return fields.length === 0 ? null : JSON.stringify(Object.fromEntries(fields));
}

/** The origin of a stored column value (null, empty, or JSON text). */
export function decodeOrigin(text: unknown): MessageOrigin | null {
  if (typeof text !== 'string' || text === '') return null;
  return JSON.parse(text) as MessageOrigin;
}
