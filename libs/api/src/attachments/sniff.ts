/**
 * What a file is, from its bytes: the content type (magic numbers first, the
 * filename's extension only for text and types without a signature), and the
 * width and height of PNG, JPEG, GIF and WebP images. Unknown bytes are
 * application/octet-stream; a client's declared type is never trusted.
 */

/** A sniffed file. */
export interface Sniffed {
  contentType: string;
  width?: number;
  height?: number;
}

const startsWith = (bytes: Buffer, signature: readonly number[], offset = 0) => signature.every((b, i) => bytes[offset + i] === b);
const ascii = (bytes: Buffer, start: number, end: number) => bytes.subarray(start, end).toString('latin1');

const TEXT_EXTENSIONS: Record<string, string> = {
  txt: 'text/plain; charset=utf-8',
  log: 'text/plain; charset=utf-8',
  md: 'text/markdown; charset=utf-8',
  csv: 'text/csv; charset=utf-8',
  json: 'application/json; charset=utf-8',
  js: 'text/javascript; charset=utf-8',
  ts: 'text/x-typescript; charset=utf-8',
  py: 'text/x-python; charset=utf-8',
  html: 'text/plain; charset=utf-8',
  svg: 'text/plain; charset=utf-8',
};

/** Sniffs `bytes` (named `filename`). */
export function sniff(bytes: Buffer, filename: string): Sniffed {
  if (startsWith(bytes, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]) && bytes.length >= 24) {
    return { contentType: 'image/png', width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) };
  }
  if (startsWith(bytes, [0xff, 0xd8, 0xff])) return { contentType: 'image/jpeg', ...jpegSize(bytes) };
  if ((ascii(bytes, 0, 6) === 'GIF87a' || ascii(bytes, 0, 6) === 'GIF89a') && bytes.length >= 10) {
    return { contentType: 'image/gif', width: bytes.readUInt16LE(6), height: bytes.readUInt16LE(8) };
  }
  if (ascii(bytes, 0, 4) === 'RIFF' && ascii(bytes, 8, 12) === 'WEBP') return { contentType: 'image/webp', ...webpSize(bytes) };
  if (ascii(bytes, 0, 4) === 'RIFF' && ascii(bytes, 8, 12) === 'WAVE') return { contentType: 'audio/wav' };
  if (ascii(bytes, 0, 4) === 'OggS') return { contentType: 'audio/ogg' };
  if (ascii(bytes, 0, 5) === '%PDF-') return { contentType: 'application/pdf' };
  if (startsWith(bytes, [0x50, 0x4b, 0x03, 0x04])) return { contentType: 'application/zip' };
  if (ascii(bytes, 4, 8) === 'ftyp') return { contentType: ascii(bytes, 8, 11) === 'M4A' ? 'audio/mp4' : 'video/mp4' };
  if (ascii(bytes, 0, 3) === 'ID3' || startsWith(bytes, [0xff, 0xfb])) return { contentType: 'audio/mpeg' };
  if (startsWith(bytes, [0x1a, 0x45, 0xdf, 0xa3])) return { contentType: 'video/webm' };
  const extension = /\.([A-Za-z0-9]{1,8})$/.exec(filename)?.[1]?.toLowerCase() ?? '';
  if (isText(bytes)) return { contentType: TEXT_EXTENSIONS[extension] ?? 'text/plain; charset=utf-8' };
  return { contentType: 'application/octet-stream' };
}

/** UTF-8 without NUL bytes. */
function isText(bytes: Buffer): boolean {
  if (bytes.includes(0)) return false;
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    return true;
  } catch {
    return false;
  }
}

/** Walks JPEG segments to the first start-of-frame marker. */
function jpegSize(bytes: Buffer): { width?: number; height?: number } {
  let at = 2;
  while (at + 9 < bytes.length) {
    if (bytes[at] !== 0xff) return {};
    const marker = bytes[at + 1] as number;
    if (marker === 0xd8 || marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) {
      at += 2;
      continue;
    }
    const length = bytes.readUInt16BE(at + 2);
    const isFrame = marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;
    if (isFrame) return { height: bytes.readUInt16BE(at + 5), width: bytes.readUInt16BE(at + 7) };
    at += 2 + length;
  }
  return {};
}

/** VP8 (lossy), VP8L (lossless) and VP8X (extended) headers. */
function webpSize(bytes: Buffer): { width?: number; height?: number } {
  const chunk = ascii(bytes, 12, 16);
  if (chunk === 'VP8 ' && bytes.length >= 30) return { width: bytes.readUInt16LE(26) & 0x3fff, height: bytes.readUInt16LE(28) & 0x3fff };
  if (chunk === 'VP8L' && bytes.length >= 25) {
    const bits = bytes.readUInt32LE(21);
    return { width: (bits & 0x3fff) + 1, height: ((bits >> 14) & 0x3fff) + 1 };
  }
  if (chunk === 'VP8X' && bytes.length >= 30) return { width: bytes.readUIntLE(24, 3) + 1, height: bytes.readUIntLE(27, 3) + 1 };
  return {};
}
