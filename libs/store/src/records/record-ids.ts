/** Argument checks shared by the record adapters. */
import { InvalidStoreArgumentError } from '../errors';
import { MAX_RECORD_ID_LENGTH } from './record-store.port';

/** Throws unless `value` is a non-empty string of at most MAX_RECORD_ID_LENGTH characters. */
export function checkRecordId(argument: 'kind' | 'partition' | 'key', value: string): string {
  if (typeof value !== 'string' || value.length === 0 || value.length > MAX_RECORD_ID_LENGTH) {
    throw new InvalidStoreArgumentError(argument, value, `a string of 1 to ${MAX_RECORD_ID_LENGTH} characters`);
  }
  return value;
}

/** Throws unless the TTL is a whole number of seconds from 1 to 20 years (Cassandra's limit). */
export function checkTtl(ttlSeconds: number | undefined): number | undefined {
  if (ttlSeconds === undefined) return undefined;
  if (!Number.isInteger(ttlSeconds) || ttlSeconds < 1 || ttlSeconds > 630_720_000) {
    throw new InvalidStoreArgumentError('ttlSeconds', ttlSeconds, 'a whole number of seconds from 1 to 630720000');
  }
  return ttlSeconds;
}
