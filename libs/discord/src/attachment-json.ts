/**
 * Discord's attachment object. A message stores its attachments without
 * URLs (a URL is signed for whoever reads it, and expires); the stored form
 * adds the content's SHA-256, which Discord does not send.
 */

/** An attachment as a message stores it. */
export interface StoredAttachment {
  id: string;
  filename: string;
  title?: string;
  description?: string;
  content_type: string;
  size: number;
  width?: number;
  height?: number;
  /** Hex SHA-256 of the bytes. */
  sha256: string;
  /** Discord's attachment flags (IS_REMIX 1 << 2; IS_SPOILER 1 << 3 is derived from the name). */
  flags?: number;
  duration_secs?: number;
  waveform?: string;
}

/** Discord's attachment object: the stored one without its hash, with URLs. */
export type DiscordAttachment = Omit<StoredAttachment, 'sha256'> & { url: string; proxy_url: string };

/** The attachment as a reader gets it, with the URL signed for them. */
export function toDiscordAttachment(stored: StoredAttachment, url: string): DiscordAttachment {
  const { sha256: _sha256, ...visible } = stored;
  return { ...visible, url, proxy_url: url };
}

/** The CDN path of an attachment (Discord's `/attachments/{channel}/{attachment}/{filename}`). */
export function attachmentPath(channelId: string, stored: Pick<StoredAttachment, 'id' | 'filename'>): string {
  return `/attachments/${channelId}/${stored.id}/${encodeURIComponent(stored.filename)}`;
}

/** Reads a message's stored attachments; entries without an id (never written by this server) are skipped. */
export function parseStoredAttachments(json: string): StoredAttachment[] {
  if (json === '' || json === '[]') return [];
  try {
    const parsed = JSON.parse(json) as unknown;
    return Array.isArray(parsed) ? parsed.filter((a): a is StoredAttachment => typeof a === 'object' && a !== null && typeof (a as StoredAttachment).id === 'string') : [];
  } catch {
    return [];
  }
}
