/**
 * The one contract every UserStore adapter must pass, including that secrets
 * are stored only as hashes (the fixture exposes the raw stored values).
 */
import { ConflictError, InvalidArgumentError, NotFoundError } from '@chat/errors';
import { composeSnowflake } from '@chat/snowflake';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateToken, hashToken } from '../credentials/token-hash';
import type { StoredUser, UserStore } from './user-store.port';

/** What a contract run needs from an adapter. */
export interface UserStoreFixture {
  store: UserStore;
  /** What the database holds for a user's secrets: the password column and the token keys. */
  storedSecrets: (userId: string) => Promise<{ passwordHash: string | null; tokenKeys: string[] }>;
  dispose?: () => Promise<void>;
}

let counter = 0;
function newId(): string {
  counter += 1;
  return composeSnowflake({ timestampMs: Date.now(), workerId: 3, processId: (counter >> 12) % 32, increment: counter % 4096 });
}
const name = (prefix: string) => `${prefix}${counter}_${Math.random().toString(36).slice(2, 8)}`;

/** Registers the users contract for one adapter. */
export function describeUserStoreContract(adapter: string, makeFixture: () => Promise<UserStoreFixture>): void {
  describe(`UserStore contract: ${adapter}`, () => {
    let fixture: UserStoreFixture;
    let store: UserStore;
    beforeAll(async () => {
      fixture = await makeFixture();
      store = fixture.store;
    });
    afterAll(async () => {
      await fixture?.store.close();
      await fixture?.dispose?.();
    });

    async function user(extra: Partial<StoredUser> = {}): Promise<StoredUser> {
      return store.createUser({ id: newId(), username: name('user'), ...extra });
    }

    describe('users', () => {
      it('creates with defaults and finds by id, username (any case) and email (any case)', async () => {
        const id = newId();
        const username = name('Alice');
        const email = `${username}@Example.com`;
        const created = await store.createUser({ id, username, email, globalName: 'Alice A.' });
        expect(created).toMatchObject({ id, username, discriminator: '0', globalName: 'Alice A.', avatar: null, bot: false, flags: 0, email });
        expect(await store.getUser(id)).toEqual(created);
        expect(await store.getUserByUsername(username.toUpperCase())).toEqual(created);
        expect(await store.getUserByUsername(username, '0001')).toBeUndefined();
        expect(await store.getUserByEmail(email.toLowerCase())).toEqual(created);
        expect(await store.getUser(newId())).toBeUndefined();
        expect(await store.getUserByEmail('nobody@example.com')).toBeUndefined();
      });

      it('keeps usernames unique per discriminator and emails unique, ignoring case', async () => {
        const taken = await user({ email: `${name('e')}@example.com` });
        await expect(store.createUser({ id: newId(), username: taken.username.toUpperCase() })).rejects.toBeInstanceOf(ConflictError);
        await expect(store.createUser({ id: newId(), username: name('x'), email: taken.email?.toUpperCase() })).rejects.toBeInstanceOf(ConflictError);
        await expect(store.createUser({ id: taken.id, username: name('y') })).rejects.toBeInstanceOf(ConflictError);
        const bot = await store.createUser({ id: newId(), username: taken.username, discriminator: '0420', bot: true });
        expect(bot.bot).toBe(true);
        expect(await store.getUserByUsername(taken.username, '0420')).toEqual(bot);
        // The losers of the races above left nothing behind:
        const again = await store.createUser({ id: newId(), username: name('z') });
        expect(await store.getUser(again.id)).toEqual(again);
      });

      it('a failed create does not reserve its username or email', async () => {
        const existing = await user();
        const username = name('free');
        const email = `${username}@example.com`;
        await expect(store.createUser({ id: existing.id, username, email })).rejects.toBeInstanceOf(ConflictError);
        const created = await store.createUser({ id: newId(), username, email });
        expect(await store.getUserByUsername(username)).toEqual(created);
        expect(await store.getUserByEmail(email)).toEqual(created);
      });

      it('rejects malformed users', async () => {
        await expect(store.createUser({ id: newId(), username: 'a' })).rejects.toBeInstanceOf(InvalidArgumentError);
        await expect(store.createUser({ id: newId(), username: name('d'), discriminator: '12' })).rejects.toBeInstanceOf(InvalidArgumentError);
        await expect(store.createUser({ id: newId(), username: name('e'), email: 'not-an-email' })).rejects.toBeInstanceOf(InvalidArgumentError);
        await expect(store.createUser({ id: 'x', username: name('f') })).rejects.toBeInstanceOf(InvalidArgumentError);
      });

      it('updates fields, moves the username and email keys, and refuses taken ones', async () => {
        const a = await user({ email: `${name('a')}@example.com` });
        const b = await user({ email: `${name('b')}@example.com` });
        const newName = name('renamed');
        const updated = await store.updateUser(a.id, { username: newName, avatar: 'hash', globalName: null, email: null });
        expect(updated).toEqual({ ...a, username: newName, avatar: 'hash', globalName: null, email: null });
        expect(await store.getUser(a.id)).toEqual(updated);
        expect(await store.getUserByUsername(newName)).toEqual(updated);
        expect(await store.getUserByUsername(a.username)).toBeUndefined();
        expect(await store.getUserByEmail(a.email as string)).toBeUndefined();
        await expect(store.updateUser(a.id, { username: b.username })).rejects.toBeInstanceOf(ConflictError);
        await expect(store.updateUser(a.id, { email: b.email })).rejects.toBeInstanceOf(ConflictError);
        expect(await store.getUser(a.id)).toEqual(updated);
        const reuse = await store.createUser({ id: newId(), username: a.username });
        expect(await store.getUserByUsername(a.username)).toEqual(reuse);
        await expect(store.updateUser(newId(), { avatar: 'x' })).rejects.toBeInstanceOf(NotFoundError);
      });

      it('getUsers returns the known ones in the order asked', async () => {
        const a = await user();
        const b = await user();
        expect((await store.getUsers([b.id, newId(), a.id])).map((u) => u.id)).toEqual([b.id, a.id]);
        expect(await store.getUsers([])).toEqual([]);
      });
    });

    describe('passwords', () => {
      it('verifies the right password only, and stores an scrypt hash, never the password', async () => {
        const u = await user();
        expect(await store.verifyPassword(u.id, 'anything')).toBe(false);
        await store.setPassword(u.id, 'correct horse battery staple');
        expect(await store.verifyPassword(u.id, 'correct horse battery staple')).toBe(true);
        expect(await store.verifyPassword(u.id, 'Correct horse battery staple')).toBe(false);
        const { passwordHash } = await fixture.storedSecrets(u.id);
        expect(passwordHash).toMatch(/^scrypt\$N=\d+,r=\d+,p=\d+\$/);
        expect(passwordHash).not.toContain('correct horse');
        await store.setPassword(u.id, 'new password');
        expect(await store.verifyPassword(u.id, 'correct horse battery staple')).toBe(false);
        expect(await store.verifyPassword(u.id, 'new password')).toBe(true);
        await expect(store.setPassword(newId(), 'pw')).rejects.toBeInstanceOf(NotFoundError);
        expect(await store.verifyPassword(newId(), 'pw')).toBe(false);
      });
    });

    describe('tokens', () => {
      it('finds a token by its hash, stores only the hash, revokes one or all', async () => {
        const u = await user();
        const t1 = generateToken(u.id);
        const t2 = generateToken(u.id);
        const bot = generateToken(u.id);
        await store.addToken(u.id, t1, 'user');
        await store.addToken(u.id, t2, 'user');
        await store.addToken(u.id, bot, 'bot');
        const found = await store.findToken(t1);
        expect(found).toMatchObject({ userId: u.id, kind: 'user' });
        expect(Math.abs((found?.createdAt.getTime() ?? 0) - Date.now())).toBeLessThan(60_000);
        expect((await store.findToken(bot))?.kind).toBe('bot');
        expect(await store.findToken(`${t1}x`)).toBeUndefined();
        expect(await store.findToken('')).toBeUndefined();
        const { tokenKeys } = await fixture.storedSecrets(u.id);
        expect([...tokenKeys].sort()).toEqual([hashToken(t1), hashToken(t2), hashToken(bot)].sort());
        await expect(store.addToken(u.id, t1, 'user')).rejects.toBeInstanceOf(ConflictError);
        await expect(store.addToken(newId(), generateToken('1'), 'user')).rejects.toBeInstanceOf(NotFoundError);
        expect(await store.revokeToken(t1)).toBe(true);
        expect(await store.revokeToken(t1)).toBe(false);
        expect(await store.findToken(t1)).toBeUndefined();
        expect(await store.revokeTokens(u.id, 'bot')).toBe(1);
        expect(await store.findToken(bot)).toBeUndefined();
        expect(await store.findToken(t2)).toBeDefined();
        expect(await store.revokeTokens(u.id)).toBe(1);
        expect(await store.findToken(t2)).toBeUndefined();
        expect((await fixture.storedSecrets(u.id)).tokenKeys).toEqual([]);
      });
    });

    describe('applications', () => {
      it('creates an application, attaches a bot user, finds it by bot and by owner', async () => {
        const owner = await user();
        const appId = newId();
        const app = await store.createApplication({ id: appId, name: 'My Bot', ownerId: owner.id, flags: 1 << 14 });
        expect(app).toMatchObject({ id: appId, name: 'My Bot', description: '', ownerId: owner.id, botUserId: null, botPublic: true, botRequireCodeGrant: false, flags: 1 << 14 });
        expect(await store.getApplication(appId)).toEqual(app);
        const botUser = await store.createUser({ id: newId(), username: 'My Bot', discriminator: String(1000 + (counter % 9000)), bot: true });
        const withBot = await store.updateApplication(appId, { botUserId: botUser.id, description: 'does things' });
        expect(withBot).toEqual({ ...app, botUserId: botUser.id, description: 'does things' });
        expect(await store.getApplicationByBotUser(botUser.id)).toEqual(withBot);
        const second = await store.createApplication({ id: newId(), name: 'Other', ownerId: owner.id });
        expect((await store.listApplicationsByOwner(owner.id)).map((a) => a.id)).toEqual([appId, second.id]);
        await expect(store.updateApplication(second.id, { botUserId: botUser.id })).rejects.toBeInstanceOf(ConflictError);
        expect((await store.getApplication(second.id))?.botUserId).toBeNull();
        expect(await store.getApplicationByBotUser(botUser.id)).toEqual(withBot);
        expect(await store.listApplicationsByOwner(newId())).toEqual([]);
      });

      it('rejects a duplicate id, an unknown owner and an unknown application', async () => {
        const owner = await user();
        const app = await store.createApplication({ id: newId(), name: 'App', ownerId: owner.id });
        await expect(store.createApplication({ id: app.id, name: 'App2', ownerId: owner.id })).rejects.toBeInstanceOf(ConflictError);
        await expect(store.createApplication({ id: newId(), name: 'App3', ownerId: newId() })).rejects.toBeInstanceOf(NotFoundError);
        await expect(store.updateApplication(newId(), { name: 'x1' })).rejects.toBeInstanceOf(NotFoundError);
        expect(await store.getApplication(newId())).toBeUndefined();
        expect(await store.getApplicationByBotUser(newId())).toBeUndefined();
      });
    });
  });
}
