/**
 * The CDN routes: `GET /attachments/{channel}/{attachment}/{filename}` with
 * Discord's signed query, and the public `/emojis/{id}.{ext}` and
 * `/stickers/{id}.{ext}`. It reads nothing but the object: the signature is
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

/** What serving an object needs. */
export interface ServeDeps {
  objects: ObjectStore;
  logger: { warn: (fields: object, message: string) => void };
}

/** What the attachment CDN needs besides: the URL signer and a clock. */
export interface CdnDeps extends ServeDeps {
  signer: CdnSigner;
  clock: () => number;
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

/** Serves one object (whole, a range, or 304) with the CDN's headers; 404 when it does not exist. */
async function serveObject(deps: ServeDeps, req: IncomingMessage, res: ServerResponse, key: string, filename: string, cacheControl: string): Promise<void> {
  const head = await deps.objects.head(key);
  if (!head) return answer(res, 404, 'This content is no longer available.');
  const etag = `"${head.size.toString(16)}-${Math.floor(head.modifiedAt).toString(16)}"`;
  const headers: Record<string, string> = {
    'content-type': head.contentType,
    'accept-ranges': 'bytes',
    etag,
    'last-modified': new Date(head.modifiedAt).toUTCString(),
    'cache-control': cacheControl,
    'x-content-type-options': 'nosniff',
    'content-security-policy': "default-src 'none'; sandbox",
    'content-disposition': `${INLINE_TYPES.test(head.contentType) ? 'inline' : 'attachment'}; filename*=UTF-8''${filename}`,
  };
  if (req.headers['if-none-match'] === etag) {
    res.writeHead(304, headers);
    return void res.end();
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
    return void res.end();
  }
  object.body.on('error', (error) => {
    deps.logger.warn({ err: error, key }, 'CDN read failed mid-body');
    res.destroy();
  });
  object.body.pipe(res);
}

/** Wraps a serving function as a request handler: GET and HEAD only, failures answered 503 and logged. */
function handler(deps: ServeDeps, serve: (req: IncomingMessage, res: ServerResponse, url: URL) => Promise<void>): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return answer(res, 405, '405: Method Not Allowed', { allow: 'GET, HEAD' });
    serve(req, res, new URL(req.url ?? '/', 'http://cdn')).catch((error: unknown) => {
      deps.logger.warn({ err: error, url: req.url }, 'CDN request failed');
      if (!res.headersSent) answer(res, 503, '503: Service Unavailable');
      else res.destroy();
    });
  };
}

/** Attachments (mounted at /attachments): signed, expiring URLs; the bytes never change, so they are cached as immutable. */
export function createCdnHandler(deps: CdnDeps): (req: IncomingMessage, res: ServerResponse) => void {
  return handler(deps, async (req, res, url) => {
    const match = PATH.exec(url.pathname);
    const refusal = match ? deps.signer.refusal(url.pathname, url.searchParams, deps.clock()) : 'Not found';
    if (!match || refusal) return answer(res, 404, refusal ?? 'Not found');
    await serveObject(deps, req, res, attachmentObjectKey(match[1] as string, match[2] as string), match[3] as string, 'public, max-age=31536000, immutable');
  });
}

const EXPRESSION_PATH = /^\/(emojis|stickers)\/(\d{1,20})\.(png|gif|webp|jpg|jpeg|json)$/;

/**
 * Emoji and sticker images (mounted at /emojis and /stickers), public as on
 * Discord's CDN. The stored bytes are served whatever extension is asked
 * for (no transcoding); `?size=` is accepted and ignored.
 */
export function createExpressionCdnHandler(deps: ServeDeps): (req: IncomingMessage, res: ServerResponse) => void {
  return handler(deps, async (req, res, url) => {
    const match = EXPRESSION_PATH.exec(url.pathname);
    if (!match) return answer(res, 404, 'Not found');
    await serveObject(deps, req, res, `${match[1] as string}/${match[2] as string}`, `${match[2] as string}.${match[3] as string}`, 'public, max-age=86400');
  });
}
