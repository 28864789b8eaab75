/**
 * multipart/form-data (RFC 7578) over a body already read into memory:
 * Discord's uploads are `payload_json` (or plain fields) plus `files[n]`.
 * Anything malformed (no boundary, a part without its headers' end, no
 * closing delimiter, a part without a name) is a MultipartError, which the
 * API answers 400; nothing is stored for it.
 */

/** One file part. */
export interface UploadedFile {
  /** The form field name, e.g. `files[0]`. */
  field: string;
  filename: string;
  /** The part's Content-Type as the client sent it (may be empty). */
  declaredType: string;
  bytes: Buffer;
}

/** A parsed form. */
export interface MultipartForm {
  fields: Map<string, string>;
  files: UploadedFile[];
}

/** The body is not valid multipart/form-data. */
export class MultipartError extends Error {}

/** Most parts a form may have (files and fields together). */
const MAX_PARTS = 64;

/** The boundary of a `multipart/form-data; boundary=...` content type, or undefined for another type. */
export function multipartBoundary(contentType: string | undefined): string | undefined {
  if (!contentType || !/^multipart\/form-data\s*(;|$)/i.test(contentType)) return undefined;
  const match = /;\s*boundary=(?:"([^"]{1,70})"|([^;\s]{1,70}))/i.exec(contentType);
  const boundary = match?.[1] ?? match?.[2];
  if (!boundary) throw new MultipartError('multipart/form-data without a boundary');
  return boundary;
}

/** Parses a whole multipart body. */
export function parseMultipart(body: Buffer, boundary: string): MultipartForm {
  const delimiter = Buffer.from(`--${boundary}`);
  const form: MultipartForm = { fields: new Map(), files: [] };
  let at = body.indexOf(delimiter);
  if (at === -1) throw new MultipartError('no part delimiter in the body');
  let parts = 0;
  for (;;) {
    at += delimiter.length;
    if (body.subarray(at, at + 2).toString() === '--') return form;
    if (body.subarray(at, at + 2).toString() !== '\r\n') throw new MultipartError('a delimiter is not followed by CRLF');
    at += 2;
    const headersEnd = body.indexOf('\r\n\r\n', at);
    if (headersEnd === -1) throw new MultipartError('a part has no end of headers');
    const headers = parseHeaders(body.subarray(at, headersEnd).toString('utf8'));
    const contentStart = headersEnd + 4;
    const next = body.indexOf(Buffer.concat([Buffer.from('\r\n'), delimiter]), contentStart);
    if (next === -1) throw new MultipartError('the body ends before the closing delimiter');
    if (++parts > MAX_PARTS) throw new MultipartError(`more than ${MAX_PARTS} parts`);
    const content = body.subarray(contentStart, next);
    const disposition = headers.get('content-disposition') ?? '';
    const name = dispositionParam(disposition, 'name');
    if (!/^form-data\b/i.test(disposition) || name === undefined) throw new MultipartError('a part has no Content-Disposition: form-data name');
    const filename = dispositionParam(disposition, 'filename*') ?? dispositionParam(disposition, 'filename');
    if (filename !== undefined) form.files.push({ field: name, filename, declaredType: headers.get('content-type') ?? '', bytes: Buffer.from(content) });
    else form.fields.set(name, content.toString('utf8'));
    at = next + 2;
  }
}

function parseHeaders(text: string): Map<string, string> {
  const headers = new Map<string, string>();
  for (const line of text.split('\r\n')) {
    const colon = line.indexOf(':');
    if (colon <= 0) throw new MultipartError(`a part header is malformed: ${JSON.stringify(line.slice(0, 80))}`);
    headers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
  }
  return headers;
}

/** A parameter of a Content-Disposition value: quoted, token, or RFC 5987 (`filename*=UTF-8''...`). */
function dispositionParam(value: string, name: string): string | undefined {
  const escaped = name.replace('*', '\\*');
  const match = new RegExp(`;\\s*${escaped}=(?:"((?:[^"\\\\]|\\\\.)*)"|([^;]*))`, 'i').exec(value);
  if (!match) return undefined;
  if (match[1] !== undefined) return match[1].replace(/\\(.)/g, '$1');
  const raw = (match[2] ?? '').trim();
  if (name.endsWith('*')) {
    const extended = /^([\w-]+)'[^']*'(.*)$/.exec(raw);
    if (!extended) return undefined;
    try {
      return decodeURIComponent(extended[2] ?? '');
    } catch {
      throw new MultipartError(`a part's ${name} is not valid percent-encoding`);
    }
  }
  return raw;
}
