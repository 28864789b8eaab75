/** Snowflake id checks for request validation (ids stay strings; arithmetic uses bigint). */
import { InvalidGuildRequestError } from './errors';

const SNOWFLAKE = /^[0-9]{1,20}$/;

/** Throws InvalidGuildRequestError unless `value` is a decimal snowflake below 2^64. */
export function requireSnowflake(field: string, value: string): string {
  if (!SNOWFLAKE.test(value) || BigInt(value) >= 1n << 64n) throw new InvalidGuildRequestError(field, 'must be a snowflake (decimal string)');
  return value;
}

/** Compares two snowflake strings numerically. */
export function compareSnowflakes(a: string, b: string): number {
  const x = BigInt(a);
  const y = BigInt(b);
  return x < y ? -1 : x > y ? 1 : 0;
}
