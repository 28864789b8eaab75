/**
 * Tokens are bearer secrets: the store keeps only their SHA-256, which is
 * also how a token is looked up. A token has 160+ random bits, so a fast hash
 * is enough (there is nothing to brute-force), unlike passwords.
 */
import { createHash, randomBytes } from 'node:crypto';

/** The lookup key of a token: hex SHA-256 of its UTF-8 bytes (64 characters). */
export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/**
 * A new token shaped like Discord's: base64url(user id) "." 6 random bytes
 * "." 27 random bytes, all base64url. Clients may read the user id from the
 * first part, as some Discord libraries do; the rest is 264 random bits.
 */
export function generateToken(userId: string): string {
  const part = (bytes: Buffer) => bytes.toString('base64url');
  return `${part(Buffer.from(userId, 'utf8'))}.${part(randomBytes(6))}.${part(randomBytes(27))}`;
}
