import { describe, expect, it } from 'vitest';
import { generateToken, hashToken } from './token-hash';
import { hashPassword, verifyPassword } from './password-hash';

describe('password hashing', () => {
  it('hashes with a random salt and the parameters in the encoded string', async () => {
    const a = await hashPassword('correct horse battery staple');
    const b = await hashPassword('correct horse battery staple');
    expect(a).toMatch(/^scrypt\$N=32768,r=8,p=1\$[A-Za-z0-9+/]+=*\$[A-Za-z0-9+/]+=*$/);
    expect(a).not.toContain('correct horse');
    expect(a).not.toBe(b);
  });

  it('verifies the right password and rejects a wrong one', async () => {
    const encoded = await hashPassword('hunter2');
    await expect(verifyPassword('hunter2', encoded)).resolves.toBe(true);
    await expect(verifyPassword('hunter3', encoded)).resolves.toBe(false);
    await expect(verifyPassword('', encoded)).resolves.toBe(false);
  });

  it('honours the parameters stored in the hash (old hashes keep working after a cost change)', async () => {
    const cheap = await hashPassword('pw', { N: 1024, r: 8, p: 1 });
    expect(cheap).toContain('N=1024');
    await expect(verifyPassword('pw', cheap)).resolves.toBe(true);
  });

  it('treats malformed or hostile encodings as a mismatch', async () => {
    await expect(verifyPassword('pw', 'pw')).resolves.toBe(false);
    await expect(verifyPassword('pw', 'scrypt$N=1000,r=8,p=1$c2FsdA==$a2V5')).resolves.toBe(false);
    await expect(verifyPassword('pw', 'scrypt$N=4194304,r=8,p=1$c2FsdA==$a2V5')).resolves.toBe(false);
  });
});

describe('token hashing', () => {
  it('is SHA-256 hex, stable, and differs per token', () => {
    expect(hashToken('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    expect(hashToken('abc')).toBe(hashToken('abc'));
    expect(hashToken('abd')).not.toBe(hashToken('abc'));
  });

  it('generates Discord-shaped tokens that carry the user id and are unique', () => {
    const token = generateToken('175928847299117063');
    const [first, second, third] = token.split('.');
    expect(Buffer.from(first ?? '', 'base64url').toString()).toBe('175928847299117063');
    expect(second).toHaveLength(8);
    expect(third).toHaveLength(36);
    expect(generateToken('1')).not.toBe(generateToken('1'));
  });
});
