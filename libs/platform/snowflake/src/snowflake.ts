import { InvalidSnowflakeError, InvalidTimestampError } from './errors';

/**
 * A snowflake id as it travels: the decimal string of an unsigned 64-bit
 * integer. Do arithmetic on it as `bigint` (see {@link parseSnowflake}),
 * never as a JS `number` (which is exact only up to 2^53).
 */
export type Snowflake = string;

/** Unix milliseconds of the Discord epoch, 2015-01-01T00:00:00.000Z. */
export const DISCORD_EPOCH_MS = 1_420_070_400_000;

/** Bits of the increment field (bits 0..11). */
export const INCREMENT_BITS = 12;
/** Bits of the internal process id field (bits 12..16). */
export const PROCESS_ID_BITS = 5;
/** Bits of the internal worker id field (bits 17..21). */
export const WORKER_ID_BITS = 5;
/** Bits of the millisecond timestamp field (bits 22..63). */
export const TIMESTAMP_BITS = 42;

/** Largest increment, 4095: at most 4096 ids per millisecond per process. */
export const MAX_INCREMENT = (1 << INCREMENT_BITS) - 1;
/** Largest worker id, 31. */
export const MAX_WORKER_ID = (1 << WORKER_ID_BITS) - 1;
/** Largest process id, 31. */
export const MAX_PROCESS_ID = (1 << PROCESS_ID_BITS) - 1;
/** Last Unix ms a snowflake can hold (2154-05-15T07:35:11.103Z). */
export const MAX_TIMESTAMP_MS = DISCORD_EPOCH_MS + 2 ** TIMESTAMP_BITS - 1;

const PROCESS_SHIFT = BigInt(INCREMENT_BITS);
const WORKER_SHIFT = BigInt(INCREMENT_BITS + PROCESS_ID_BITS);
const TIMESTAMP_SHIFT = BigInt(INCREMENT_BITS + PROCESS_ID_BITS + WORKER_ID_BITS);
const EPOCH = BigInt(DISCORD_EPOCH_MS);
const MAX_U64 = (1n << 64n) - 1n;
const DIGITS = /^[0-9]+$/;

/** The four fields of a snowflake, plus its id in both forms. */
export interface DeconstructedSnowflake {
  /** The id as a decimal string. */
  readonly id: Snowflake;
  /** The id as a bigint. */
  readonly value: bigint;
  /** Unix milliseconds the id was made at. */
  readonly timestampMs: number;
  /** The same instant as a Date. */
  readonly date: Date;
  /** Internal worker id, 0..31. */
  readonly workerId: number;
  /** Internal process id, 0..31. */
  readonly processId: number;
  /** Increment within that millisecond on that process, 0..4095. */
  readonly increment: number;
}

/**
 * Parses a snowflake string into a bigint, accepting only the canonical
 * decimal form of an unsigned 64-bit integer ("0" or digits without leading
 * zeros, value < 2^64). Canonical-only matters because ids are used as map
 * and ring keys, where "0175" and "175" would be different keys.
 *
 * @throws {InvalidSnowflakeError} on anything else.
 */
export function parseSnowflake(input: string): bigint {
  if (typeof input !== 'string') throw new InvalidSnowflakeError(input, 'not a string');
  if (input.length === 0) throw new InvalidSnowflakeError(input, 'empty string');
  if (input.length > 20) throw new InvalidSnowflakeError(input, 'longer than 20 digits, does not fit in 64 bits');
  if (!DIGITS.test(input)) {
    const reason = input.startsWith('-') ? 'negative' : 'not a string of decimal digits';
    throw new InvalidSnowflakeError(input, reason);
  }
  if (input.length > 1 && input.startsWith('0')) throw new InvalidSnowflakeError(input, 'leading zeros');
  const value = BigInt(input);
  if (value > MAX_U64) throw new InvalidSnowflakeError(input, 'does not fit in 64 bits (>= 2^64)');
  return value;
}

/** True when {@link parseSnowflake} would accept `input`. */
export function isSnowflake(input: unknown): input is Snowflake {
  if (typeof input !== 'string') return false;
  try {
    parseSnowflake(input);
    return true;
  } catch {
    return false;
  }
}

/**
 * Formats a bigint as a snowflake string.
 *
 * @throws {InvalidSnowflakeError} when `value` is negative or >= 2^64.
 */
export function formatSnowflake(value: bigint): Snowflake {
  if (value < 0n) throw new InvalidSnowflakeError(value, 'negative');
  if (value > MAX_U64) throw new InvalidSnowflakeError(value, 'does not fit in 64 bits (>= 2^64)');
  return value.toString();
}

function toBigInt(id: Snowflake | bigint): bigint {
  return typeof id === 'bigint' ? (formatSnowflake(id), id) : parseSnowflake(id);
}

/**
 * Unix milliseconds at which `id` was made (`(id >> 22) + 1420070400000`).
 *
 * @throws {InvalidSnowflakeError} when `id` is not a valid snowflake.
 */
export function timestampOf(id: Snowflake | bigint): number {
  return Number((toBigInt(id) >> TIMESTAMP_SHIFT) + EPOCH);
}

/**
 * The instant at which `id` was made, as a Date.
 *
 * @throws {InvalidSnowflakeError} when `id` is not a valid snowflake.
 */
export function dateOf(id: Snowflake | bigint): Date {
  return new Date(timestampOf(id));
}

/**
 * Checks that `ms` can be stored in a snowflake and returns its offset from
 * the Discord epoch as a bigint.
 *
 * @throws {InvalidTimestampError} when it cannot.
 */
export function timestampOffset(ms: number): bigint {
  if (!Number.isSafeInteger(ms)) throw new InvalidTimestampError(ms, 'not an integer number of milliseconds');
  if (ms < DISCORD_EPOCH_MS) throw new InvalidTimestampError(ms, 'before the Discord epoch (2015-01-01)');
  if (ms > MAX_TIMESTAMP_MS) throw new InvalidTimestampError(ms, 'past the 42-bit range (2154-05-15)');
  return BigInt(ms) - EPOCH;
}

/**
 * The lowest snowflake of a millisecond: worker, process and increment all 0
 * (`(ms - DISCORD_EPOCH) << 22`). Every id made at `ms` or later is >= it and
 * every id made earlier is < it, so it is the bound for time-range queries
 * (`after: snowflakeFromTimestamp(t)` = made at or after t, as Discord's
 * pagination does).
 *
 * @throws {InvalidTimestampError} when `ms` is not an integer in the snowflake range.
 */
export function snowflakeFromTimestamp(ms: number | Date): Snowflake {
  const t = typeof ms === 'number' ? ms : ms.getTime();
  return (timestampOffset(t) << TIMESTAMP_SHIFT).toString();
}

/**
 * Composes a snowflake from its fields. Used by the generator; also handy
 * for tests that need an id with a given timestamp.
 *
 * @throws {InvalidTimestampError} when `timestampMs` is out of range.
 * @throws {RangeError} when a field does not fit its bits.
 */
export function composeSnowflake(fields: {
  timestampMs: number;
  workerId: number;
  processId: number;
  increment: number;
}): Snowflake {
  const { timestampMs, workerId, processId, increment } = fields;
  checkField('workerId', workerId, MAX_WORKER_ID);
  checkField('processId', processId, MAX_PROCESS_ID);
  checkField('increment', increment, MAX_INCREMENT);
  const value =
    (timestampOffset(timestampMs) << TIMESTAMP_SHIFT) |
    (BigInt(workerId) << WORKER_SHIFT) |
    (BigInt(processId) << PROCESS_SHIFT) |
    BigInt(increment);
  return value.toString();
}

function checkField(name: string, value: number, max: number): void {
  if (!Number.isInteger(value) || value < 0 || value > max) {
    throw new RangeError(`${name} must be an integer in 0..${max}, got ${value}`);
  }
}

/**
 * Splits a snowflake into its fields (Discord's layout: 42 bits ms since
 * 2015-01-01, 5 bits worker, 5 bits process, 12 bits increment).
 *
 * @throws {InvalidSnowflakeError} when `id` is not a valid snowflake.
 */
export function deconstruct(id: Snowflake | bigint): DeconstructedSnowflake {
  const value = toBigInt(id);
  const timestampMs = Number((value >> TIMESTAMP_SHIFT) + EPOCH);
  return {
    id: value.toString(),
    value,
    timestampMs,
    date: new Date(timestampMs),
    workerId: Number((value >> WORKER_SHIFT) & BigInt(MAX_WORKER_ID)),
    processId: Number((value >> PROCESS_SHIFT) & BigInt(MAX_PROCESS_ID)),
    increment: Number(value & BigInt(MAX_INCREMENT)),
  };
}

/**
 * Orders two snowflakes numerically (which is also time order), for
 * `Array.prototype.sort`. Plain string comparison is wrong for ids of
 * different lengths.
 *
 * @throws {InvalidSnowflakeError} when either is not a valid snowflake.
 */
export function compareSnowflakes(a: Snowflake | bigint, b: Snowflake | bigint): -1 | 0 | 1 {
  const x = toBigInt(a);
  const y = toBigInt(b);
  return x < y ? -1 : x > y ? 1 : 0;
}
