/**
 * Reads a request body as JSON with a size limit. An empty body is `{}`
 * (Discord accepts body-less POSTs such as typing); a body over the limit is
 * 413; malformed JSON is 50109.
 */
import type { IncomingMessage } from 'node:http';
import { DiscordErrors } from '../errors';

/** Default body limit: 1 MiB (message payloads are a few KiB). */
export const DEFAULT_BODY_LIMIT_BYTES = 1024 * 1024;

/** Reads and parses the body; rejects with a RestError on oversize or bad JSON. */
export async function readJsonBody(req: IncomingMessage, limitBytes: number = DEFAULT_BODY_LIMIT_BYTES): Promise<unknown> {
  const declared = Number(req.headers['content-length'] ?? '0');
  if (Number.isFinite(declared) && declared > limitBytes) {
    req.resume();
    throw DiscordErrors.payloadTooLarge();
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limitBytes) {
      req.resume();
      throw DiscordErrors.payloadTooLarge();
    }
    chunks.push(chunk);
  }
  if (size === 0) return {};
  const text = Buffer.concat(chunks).toString('utf8');
  if (text.trim() === '') return {};
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw DiscordErrors.invalidJson();
  }
}
