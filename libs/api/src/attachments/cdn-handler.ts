/**
 * The CDN route: `GET /attachments/{channel}/{attachment}/{filename}` with
 * Discord's signed query. It reads nothing but the object: the signature is
 * the permission (URLs are signed only for readers of the channel), so a
 * request costs one object-store read. Range requests (one range) answer
 * 206, a range past the end 416; the bytes never change, so they are cached
 * as immutable and revalidate by ETag. Every type is served with nosniff
 * and a sandboxing CSP, since the CDN shares an origin with the API.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { RangeNotSatisfiableError, type ByteRange, type ObjectStore } from '@chat/object-store';
import type { CdnSigner } from './cdn-signing';
import { attachmentObjectKey } from './attachment-keys';

const PATH = /^\/attachments\/(\d{1,20})\/(\d{1,20})\/([^/]{1,1024})$/;
const INLINE_TYPES = /^(image|video|audio)\/|^text\/plain|^application\/pdf/;

/** What the CDN handler needs. */
export interface CdnDeps {
  objects: ObjectStore;
  signer: CdnSigner;
  clock: () => number;
  logger: { warn: (fields: object, message: string) => void };
}

function answer(res: ServerResponse, status: number, text: string, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', 'content-length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

/** Parses one `bytes=` range (`a-b`, `a-`, `-n`) against a size; undefined for none or several (served whole, as HTTP allows). */
export function parseRange(header: string | undefined, size: number): ByteRange | undefined {
  const match = header === undefined ? null : /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!match || (match[1] === '' && match[2] === '')) return undefined;
  if (match[1] === '') {
    const suffix = Number(match[2]);
    return { start: Math.max(0, size - suffix), end: size - 1 };
  }
  const range = { start: Number(match[1]), end: match[2] === '' ? Number.MAX_SAFE_INTEGER : Number(match[2]) };
  return range.end < range.start ? undefined : range;
}

/** The CDN's request handler (mounted at /attachments). */
export function createCdnHandler(deps: CdnDeps): (req: IncomingMessage, res: ServerResponse) => void {
  const serve = async (req: IncomingMessage, res: ServerResponse) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return answer(res, 405, '405: Method Not Allowed', { allow: 'GET, HEAD' });
    const url = new URL(req.url ?? '/', 'http://cdn');
    const match = PATH.exec(url.pathname);
    const refusal = match ? deps.signer.refusal(url.pathname, url.searchParams, deps.clock()) : 'Not found';
    if (!match || refusal) return answer(res, 404, refusal ?? 'Not found');
    const key = attachmentObjectKey(match[1] as string, match[2] as string);
    const head = await deps.objects.head(key);
    if (!head) return answer(res, 404, 'This content is no longer available.');
    const etag = `"${head.size.toString(16)}-${Math.floor(head.modifiedAt).toString(16)}"`;
    const headers: Record<string, string> = {
      'content-type': head.contentType,
      'accept-ranges': 'bytes',
      etag,
      'last-modified': new Date(head.modifiedAt).toUTCString(),
      'cache-control': 'public, max-age=31536000, immutable',
      'x-content-type-options': 'nosniff',
      'content-security-policy': "default-src 'none'; sandbox",
      'content-disposition': `${INLINE_TYPES.test(head.contentType) ? 'inline' : 'attachment'}; filename*=UTF-8''${match[3]}`,
    };
    if (req.headers['if-none-match'] === etag) {
      res.writeHead(304, headers);
      return res.end();
    }
    const range = parseRange(req.headers.range, head.size);
    let object;
    try {
      object = await deps.objects.get(key, range);
    } catch (error) {
      if (error instanceof RangeNotSatisfiableError) return answer(res, 416, 'Range Not Satisfiable', { 'content-range': `bytes */${error.size}` });
      throw error;
    }
    if (!object) return answer(res, 404, 'This content is no longer available.');
    const served = object.range;
    res.writeHead(served ? 206 : 200, {
      ...headers,
      'content-length': String(served ? served.end - served.start + 1 : object.size),
      ...(served ? { 'content-range': `bytes ${served.start}-${served.end}/${object.size}` } : {}),
    });
    if (req.method === 'HEAD') {
      object.body.destroy();
      return res.end();
    }
    object.body.on('error', (error) => {
      deps.logger.warn({ err: error, key }, 'CDN read failed mid-body');
      res.destroy();
    });
    object.body.pipe(res);
  };
  return (req, res) => {
    serve(req, res).catch((error: unknown) => {
      deps.logger.warn({ err: error, url: req.url }, 'CDN request failed');
      if (!res.headersSent) answer(res, 503, '503: Service Unavailable');
      else res.destroy();
    });
  };
}
