/**
 * Images that arrive as data URIs (`data:image/png;base64,...`: emojis,
 * avatars) or as files (stickers): decoded, size-checked and typed from
 * their bytes, with whether they move (animated GIF, APNG, animated WebP).
 */
import { invalidFormBody, treeFor } from '../errors';
import { sniff } from '../attachments/sniff';

/** A checked image. */
export interface CheckedImage {
  bytes: Buffer;
  contentType: string;
  animated: boolean;
}

const DATA_URI = /^data:([\w.+/-]{1,64});base64,([A-Za-z0-9+/=\r\n]+)$/;

/** Whether an image's bytes hold more than one frame. */
export function isAnimated(bytes: Buffer, contentType: string): boolean {
  if (contentType === 'image/gif') return bytes.includes(Buffer.from('NETSCAPE2.0')) || countOf(bytes, Buffer.from([0x21, 0xf9, 0x04])) > 1;
  if (contentType === 'image/png') return bytes.includes(Buffer.from('acTL'));
  if (contentType === 'image/webp') return bytes.subarray(12, 16).toString('latin1') === 'VP8X' && ((bytes[20] ?? 0) & 0x02) !== 0;
  return false;
}

function countOf(bytes: Buffer, needle: Buffer): number {
  let count = 0;
  for (let at = bytes.indexOf(needle); at !== -1 && count < 2; at = bytes.indexOf(needle, at + 1)) count++;
  return count;
}

const fieldError = (field: string, code: string, message: string) => invalidFormBody(treeFor([field], { code, message }));

/** Checks image bytes against allowed types and a size limit; 50035 on `field` otherwise. */
export function checkImage(field: string, bytes: Buffer, allowed: readonly string[], maxBytes: number): CheckedImage {
  if (bytes.length > maxBytes) throw fieldError(field, 'BINARY_TYPE_MAX_SIZE', `File cannot be larger than ${(maxBytes / 1024).toFixed(1)} kb.`);
  const { contentType } = sniff(bytes, '');
  if (!allowed.includes(contentType)) throw fieldError(field, 'IMAGE_INVALID', `Invalid image data (${contentType}); allowed: ${allowed.join(', ')}`);
  return { bytes, contentType, animated: isAnimated(bytes, contentType) };
}

/** Decodes and checks a data URI image. */
export function imageFromDataUri(field: string, value: string, allowed: readonly string[], maxBytes: number): CheckedImage {
  const match = DATA_URI.exec(value);
  if (!match) throw fieldError(field, 'IMAGE_INVALID', 'Invalid image data: expected a data URI (data:image/png;base64,...)');
  return checkImage(field, Buffer.from(match[2] as string, 'base64'), allowed, maxBytes);
}
