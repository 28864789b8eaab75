/** Where an attachment's bytes live in the object store. */

/** `attachments/<channel>/<attachment>`: the CDN finds the bytes from its URL alone. */
export function attachmentObjectKey(channelId: string, attachmentId: string): string {
  return `attachments/${channelId}/${attachmentId}`;
}
