/** Argument checks shared by the outbox adapters. */
import { InvalidStoreArgumentError } from '../errors';
import type { OutboxEntry } from './outbox-store.port';

const KINDS = new Set(['created', 'updated', 'deleted', 'bulk_deleted']);

/** Largest page `list` returns. */
export const MAX_OUTBOX_PAGE = 1000;

/** Checks an entry before it is written. @throws {InvalidStoreArgumentError} */
export function checkOutboxEntry(entry: OutboxEntry): void {
  if (typeof entry.owner !== 'string' || entry.owner.length === 0) throw new InvalidStoreArgumentError('owner', entry.owner, 'a non-empty string');
  if (!KINDS.has(entry.kind)) throw new InvalidStoreArgumentError('kind', entry.kind, [...KINDS].join(' | '));
  if (!(entry.value instanceof Uint8Array)) throw new InvalidStoreArgumentError('value', typeof entry.value, 'a Uint8Array');
  if (entry.messageIds.length === 0) throw new InvalidStoreArgumentError('messageIds', '[]', 'at least one message id');
}

/** Checks a page size. @throws {InvalidStoreArgumentError} */
export function checkOutboxLimit(limit: number): void {
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_OUTBOX_PAGE) throw new InvalidStoreArgumentError('limit', limit, `an integer in 1..${MAX_OUTBOX_PAGE}`);
}
