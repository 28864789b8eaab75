/**
 * A request body read as JSON. An empty body is `{}` (Discord accepts
 * body-less POSTs such as typing); malformed JSON is 50109. The size limit
 * (1 MiB, 413 above it) is enforced while the body is read, before this.
 */
import { DiscordErrors } from '../errors';

/** Default body limit: 1 MiB (message payloads are a few KiB). */
export const DEFAULT_BODY_LIMIT_BYTES = 1024 * 1024;

/** Parses the bytes of a body; rejects with a RestError on bad JSON. */
export function parseJsonBody(bytes: Buffer | undefined): unknown {
  if (bytes === undefined || bytes.length === 0) return {};
  const text = bytes.toString('utf8');
  if (text.trim() === '') return {};
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw DiscordErrors.invalidJson();
  }
}
