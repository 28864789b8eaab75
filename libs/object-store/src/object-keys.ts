/**
 * Object keys: ASCII path segments of letters, digits, `.`, `_` and `-`,
 * separated by `/`, none of them `.` or `..`, at most 512 characters. The
 * same key is a file path on disk and an S3 key, so nothing a client sends
 * may reach a key unchecked.
 */
import { InvalidArgumentError } from '@chat/errors';

const SEGMENT = /^[A-Za-z0-9._-]+$/;
const MAX_KEY_LENGTH = 512;

/** Thrown for a key or prefix outside the rules above. */
export class InvalidObjectKeyError extends InvalidArgumentError {
  constructor(readonly key: string) {
    super(`invalid object key ${JSON.stringify(key)}: segments of [A-Za-z0-9._-] separated by "/", no "." or "..", at most ${MAX_KEY_LENGTH} characters`, { details: { key } });
  }
}

/** Returns the key when it follows the rules; throws otherwise. */
export function checkObjectKey(key: string): string {
  if (typeof key !== 'string' || key.length === 0 || key.length > MAX_KEY_LENGTH) throw new InvalidObjectKeyError(String(key));
  for (const segment of key.split('/')) {
    if (!SEGMENT.test(segment) || segment === '.' || segment === '..') throw new InvalidObjectKeyError(key);
  }
  return key;
}

/** A listing prefix: a key, optionally ending in `/`. */
export function checkObjectPrefix(prefix: string): string {
  if (prefix === '') return prefix;
  checkObjectKey(prefix.endsWith('/') ? prefix.slice(0, -1) : prefix);
  return prefix;
}

/** Clamps a requested range to an object's size; throws RangeNotSatisfiableError when it starts past the end. */
export function clampRange(range: { start: number; end: number }, size: number): { start: number; end: number } {
  if (!Number.isInteger(range.start) || !Number.isInteger(range.end) || range.start < 0 || range.end < range.start) throw new InvalidArgumentError(`invalid byte range ${range.start}-${range.end}`);
  if (range.start >= size) throw new RangeNotSatisfiableError(size);
  return { start: range.start, end: Math.min(range.end, size - 1) };
}

/** Thrown by `get` when a range starts past the end of the object (HTTP 416). */
export class RangeNotSatisfiableError extends InvalidArgumentError {
  constructor(readonly size: number) {
    super(`range starts past the end of the object (${size} bytes)`, { details: { size } });
  }
}
