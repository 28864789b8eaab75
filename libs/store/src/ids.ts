/**
 * Id conversions at the store boundary. Ports speak snowflake strings; both
 * databases store them as signed 64-bit integers (SQLite INTEGER, CQL
 * bigint), so an id must be below 2^63 (snowflake time up to 2084-09-06).
 */
import { isSnowflake } from '@chat/snowflake';
import { InvalidStoreArgumentError } from './errors';

const MAX_SIGNED = (1n << 63n) - 1n;

/**
 * Parses a snowflake string for storage.
 *
 * @throws {InvalidStoreArgumentError} when `id` is not a canonical snowflake or is >= 2^63.
 */
export function toDbId(id: string, argument: string): bigint {
  if (!isSnowflake(id)) throw new InvalidStoreArgumentError(argument, id, 'a snowflake (decimal digits, no leading zeros)');
  const value = BigInt(id);
  if (value > MAX_SIGNED) throw new InvalidStoreArgumentError(argument, id, 'below 2^63 (stored as a signed 64-bit integer)');
  return value;
}

/** Like {@link toDbId} for an optional id: null and undefined stay null. */
export function toDbIdOrNull(id: string | null | undefined, argument: string): bigint | null {
  return id === null || id === undefined ? null : toDbId(id, argument);
}

/** Checks every id of a list; returns them as bigints in the same order. */
export function toDbIds(ids: readonly string[], argument: string): bigint[] {
  return ids.map((id, index) => toDbId(id, `${argument}[${index}]`));
}

/** Sorts snowflake strings newest (largest) first, numerically. */
export function sortIdsDescending(ids: string[]): string[] {
  return ids.sort((a, b) => {
    const x = BigInt(a);
    const y = BigInt(b);
    return x < y ? 1 : x > y ? -1 : 0;
  });
}

/**
 * Checks a decimal permission bitfield (Discord sends them as strings; they
 * outgrow 2^53). Returns it in canonical form.
 *
 * @throws {InvalidStoreArgumentError} when it is not a non-negative integer below 2^64.
 */
export function checkBitfield(value: string, argument: string): string {
  if (typeof value !== 'string' || !/^(0|[1-9][0-9]{0,19})$/.test(value) || BigInt(value) >= 1n << 64n) {
    throw new InvalidStoreArgumentError(argument, value, 'a decimal permission bitfield below 2^64');
  }
  return value;
}
