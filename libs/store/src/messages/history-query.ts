/**
 * Validates a HistoryQuery once, for every adapter, and turns it into the
 * shape the adapters walk: an anchor kind and bigint ids.
 */
import { InvalidStoreArgumentError } from '../errors';
import { toDbId } from '../ids';
import type { HistoryQuery } from './message-store.port';

/** Smallest and largest page Discord allows. */
export const MIN_HISTORY_LIMIT = 1;
/** Largest page Discord allows. */
export const MAX_HISTORY_LIMIT = 100;

/** A validated history query. */
export type PlannedHistory =
  | { kind: 'latest'; channelId: bigint; limit: number }
  | { kind: 'before' | 'after'; channelId: bigint; limit: number; anchor: bigint }
  | {
      kind: 'around';
      channelId: bigint;
      limit: number;
      anchor: bigint;
      /** Messages with id <= anchor to fetch: ceil(limit / 2). */
      olderCount: number;
      /** Messages with id > anchor to fetch: floor(limit / 2). */
      newerCount: number;
    };

/**
 * Checks the limit (integer 1..100), the ids and that at most one anchor is set.
 *
 * @throws {InvalidStoreArgumentError} on any violation.
 */
export function planHistory(query: HistoryQuery): PlannedHistory {
  const channelId = toDbId(query.channelId, 'channelId');
  const limit = query.limit;
  if (!Number.isInteger(limit) || limit < MIN_HISTORY_LIMIT || limit > MAX_HISTORY_LIMIT) {
    throw new InvalidStoreArgumentError('limit', limit, `an integer ${MIN_HISTORY_LIMIT}..${MAX_HISTORY_LIMIT}`);
  }
  const anchors = (['before', 'after', 'around'] as const).filter((key) => query[key] !== undefined);
  if (anchors.length > 1) throw new InvalidStoreArgumentError('anchor', anchors, 'at most one of before, after, around');
  const kind = anchors[0];
  if (kind === undefined) return { kind: 'latest', channelId, limit };
  const anchor = toDbId(query[kind] as string, kind);
  if (kind === 'around') {
    return { kind, channelId, limit, anchor, olderCount: Math.ceil(limit / 2), newerCount: Math.floor(limit / 2) };
  }
  return { kind, channelId, limit, anchor };
}
