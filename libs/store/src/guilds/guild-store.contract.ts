/**
 * The one contract every GuildStore adapter must pass. Each test makes its
 * own guild (fresh ids), so one store serves the whole suite.
 */
import { ConflictError, InvalidArgumentError, NotFoundError } from '@chat/errors';
import { composeSnowflake } from '@chat/snowflake';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InviteUnusableError } from '../errors';
import type { GuildStore, StoredGuild } from './guild-store.port';

/** What a contract run needs from an adapter. */
export interface GuildStoreFixture {
  store: GuildStore;
  dispose?: () => Promise<void>;
}

let counter = 0;
/** A fresh snowflake (time now, unique increment). */
function newId(): string {
  counter += 1;
  return composeSnowflake({ timestampMs: Date.now(), workerId: 2, processId: (counter >> 12) % 32, increment: counter % 4096 });
}

/**
 * Registers the guilds contract for one adapter.
 *
 * @param makeFixture opens a fresh, empty store (called once per suite).
 */
export function describeGuildStoreContract(name: string, makeFixture: () => Promise<GuildStoreFixture>): void {
  describe(`GuildStore contract: ${name}`, () => {
    let fixture: GuildStoreFixture;
    let store: GuildStore;
    beforeAll(async () => {
      fixture = await makeFixture();
      store = fixture.store;
    });
    afterAll(async () => {
      await fixture?.store.close();
      await fixture?.dispose?.();
    });

    async function guild(): Promise<StoredGuild> {
      return store.createGuild({ id: newId(), name: 'Test guild', ownerId: newId() });
    }

    describe('guilds', () => {
      it('creates with defaults, reads back, rejects a duplicate id', async () => {
        const id = newId();
        const ownerId = newId();
        const created = await store.createGuild({ id, name: 'Rust', ownerId, features: ['COMMUNITY'] });
        expect(created).toMatchObject({ id, name: 'Rust', ownerId, icon: null, description: null, systemChannelId: null, verificationLevel: 0, defaultMessageNotifications: 0, explicitContentFilter: 0, preferredLocale: 'en-US', features: ['COMMUNITY'] });
        expect(created.createdAt.getTime()).toBeLessThanOrEqual(Date.now());
        expect(await store.getGuild(id)).toEqual(created);
        await expect(store.createGuild({ id, name: 'again', ownerId })).rejects.toBeInstanceOf(ConflictError);
        expect(await store.getGuild(newId())).toBeUndefined();
      });

      it('updates only the patched fields, can set a field back to null, and 404s an unknown guild', async () => {
        const g = await store.createGuild({ id: newId(), name: 'old', ownerId: newId(), icon: 'abc', description: 'd' });
        const systemChannelId = newId();
        const updated = await store.updateGuild(g.id, { name: 'new', icon: null, systemChannelId, features: [] });
        expect(updated).toEqual({ ...g, name: 'new', icon: null, systemChannelId, features: [] });
        expect(await store.getGuild(g.id)).toEqual(updated);
        await expect(store.updateGuild(newId(), { name: 'x' })).rejects.toBeInstanceOf(NotFoundError);
      });

      it('delete takes channels, roles, members, overwrites and invites with it', async () => {
        const g = await guild();
        const channel = await store.createChannel({ id: newId(), type: 0, guildId: g.id, name: 'general' });
        const role = await store.createRole({ id: newId(), guildId: g.id, name: 'mod', permissions: '8' });
        const userId = newId();
        await store.addMember({ guildId: g.id, userId, joinedAt: new Date(), roleIds: [role.id] });
        await store.createInvite({ code: `c${newId()}`.slice(0, 20), guildId: g.id, channelId: channel.id, createdAt: new Date() });
        expect(await store.deleteGuild(g.id)).toBe(true);
        expect(await store.deleteGuild(g.id)).toBe(false);
        expect(await store.getGuild(g.id)).toBeUndefined();
        expect(await store.getChannel(channel.id)).toBeUndefined();
        expect(await store.listChannels(g.id)).toEqual([]);
        expect(await store.listRoles(g.id)).toEqual([]);
        expect(await store.getMember(g.id, userId)).toBeUndefined();
        expect(await store.listGuildIdsForUser(userId)).toEqual([]);
        expect(await store.listInvites(g.id)).toEqual([]);
      });
    });

    describe('channels', () => {
      it('creates guild channels, lists them by (position, id) with their overwrites', async () => {
        const g = await guild();
        const roleTarget = g.id;
        const a = await store.createChannel({
          id: newId(), type: 0, guildId: g.id, name: 'general', position: 1, topic: 't',
          permissionOverwrites: [{ id: roleTarget, type: 0, allow: '1024', deny: '2048' }],
        });
        const b = await store.createChannel({ id: newId(), type: 2, guildId: g.id, name: 'voice', position: 0, bitrate: 64000, userLimit: 10 });
        const c = await store.createChannel({ id: newId(), type: 4, guildId: g.id, name: 'cat', position: 1 });
        expect(a).toMatchObject({ type: 0, guildId: g.id, name: 'general', topic: 't', position: 1, parentId: null, nsfw: false, rateLimitPerUser: 0, bitrate: null, userLimit: null, lastMessageId: null, lastPinTimestamp: null, recipientIds: [], ownerId: null });
        expect(a.permissionOverwrites).toEqual([{ id: roleTarget, type: 0, allow: '1024', deny: '2048' }]);
        expect(await store.getChannel(a.id)).toEqual(a);
        expect((await store.listChannels(g.id)).map((ch) => ch.id)).toEqual([b.id, a.id, c.id]);
        expect((await store.listChannels(g.id))[1]).toEqual(a);
        expect(await store.getChannel(newId())).toBeUndefined();
      });

      it('rejects a duplicate id, an unknown guild and a malformed shape', async () => {
        const g = await guild();
        const id = newId();
        await store.createChannel({ id, type: 0, guildId: g.id, name: 'a' });
        await expect(store.createChannel({ id, type: 0, guildId: g.id, name: 'b' })).rejects.toBeInstanceOf(ConflictError);
        await expect(store.createChannel({ id: newId(), type: 0, guildId: newId(), name: 'x' })).rejects.toBeInstanceOf(NotFoundError);
        await expect(store.createChannel({ id: newId(), type: 0, guildId: null, name: 'x' })).rejects.toBeInstanceOf(InvalidArgumentError);
        await expect(store.createChannel({ id: newId(), type: 1, guildId: g.id, recipientIds: [newId(), newId()] })).rejects.toBeInstanceOf(InvalidArgumentError);
        await expect(store.createChannel({ id: newId(), type: 1, guildId: null, recipientIds: [newId()] })).rejects.toBeInstanceOf(InvalidArgumentError);
        await expect(store.createChannel({ id: newId(), type: 0, guildId: g.id, permissionOverwrites: [{ id: g.id, type: 0, allow: '-1', deny: '0' }] })).rejects.toBeInstanceOf(InvalidArgumentError);
      });

      it('updates a channel, 404s an unknown one, and moves lastMessageId only forwards', async () => {
        const g = await guild();
        const ch = await store.createChannel({ id: newId(), type: 0, guildId: g.id, name: 'a', topic: 'x' });
        const pin = new Date(1_700_000_000_000);
        const updated = await store.updateChannel(ch.id, { name: 'b', topic: null, nsfw: true, rateLimitPerUser: 5, lastPinTimestamp: pin, position: 3 });
        expect(updated).toEqual({ ...ch, name: 'b', topic: null, nsfw: true, rateLimitPerUser: 5, lastPinTimestamp: pin, position: 3 });
        expect(await store.getChannel(ch.id)).toEqual(updated);
        await expect(store.updateChannel(newId(), { name: 'x' })).rejects.toBeInstanceOf(NotFoundError);
        const m1 = newId();
        const m2 = newId();
        await store.setLastMessageId(ch.id, m2);
        await store.setLastMessageId(ch.id, m1);
        expect((await store.getChannel(ch.id))?.lastMessageId).toBe(m2);
        await store.setLastMessageId(newId(), m1);
        expect(await store.getChannel(newId())).toBeUndefined();
      });

      it('delete removes the channel, its overwrites and its invites', async () => {
        const g = await guild();
        const ch = await store.createChannel({ id: newId(), type: 0, guildId: g.id, permissionOverwrites: [{ id: g.id, type: 0, allow: '0', deny: '1024' }] });
        const keep = await store.createChannel({ id: newId(), type: 0, guildId: g.id });
        const code = `d${newId()}`.slice(0, 16);
        await store.createInvite({ code, guildId: g.id, channelId: ch.id, createdAt: new Date() });
        expect(await store.deleteChannel(ch.id)).toBe(true);
        expect(await store.deleteChannel(ch.id)).toBe(false);
        expect(await store.getChannel(ch.id)).toBeUndefined();
        expect((await store.listChannels(g.id)).map((c) => c.id)).toEqual([keep.id]);
        expect(await store.getInvite(code)).toBeUndefined();
      });
    });

    describe('DM channels', () => {
      it('a DM has two recipients, is found from either side, and is unique per pair', async () => {
        const alice = newId();
        const bob = newId();
        const dm = await store.createChannel({ id: newId(), type: 1, guildId: null, recipientIds: [bob, alice] });
        expect(dm.recipientIds).toEqual([alice, bob].sort((x, y) => (BigInt(x) < BigInt(y) ? -1 : 1)));
        expect(dm.guildId).toBeNull();
        expect(await store.getDmChannel(alice, bob)).toEqual(dm);
        expect(await store.getDmChannel(bob, alice)).toEqual(dm);
        expect(await store.getDmChannel(alice, newId())).toBeUndefined();
        await expect(store.createChannel({ id: newId(), type: 1, guildId: null, recipientIds: [alice, bob] })).rejects.toBeInstanceOf(ConflictError);
        expect((await store.listDmChannels(alice)).map((c) => c.id)).toEqual([dm.id]);
        expect((await store.listDmChannels(bob)).map((c) => c.id)).toEqual([dm.id]);
      });

      it('lists DMs and group DMs of a user by id, and forgets a deleted one', async () => {
        const me = newId();
        const dm1 = await store.createChannel({ id: newId(), type: 1, guildId: null, recipientIds: [me, newId()] });
        const group = await store.createChannel({ id: newId(), type: 3, guildId: null, recipientIds: [me, newId(), newId()], ownerId: me, name: 'pals' });
        const dm2 = await store.createChannel({ id: newId(), type: 1, guildId: null, recipientIds: [newId(), me] });
        expect(group.recipientIds).toHaveLength(3);
        expect(group.ownerId).toBe(me);
        expect((await store.listDmChannels(me)).map((c) => c.id)).toEqual([dm1.id, group.id, dm2.id]);
        expect(await store.deleteChannel(dm1.id)).toBe(true);
        expect((await store.listDmChannels(me)).map((c) => c.id)).toEqual([group.id, dm2.id]);
        expect(await store.getDmChannel(dm1.recipientIds[0] as string, dm1.recipientIds[1] as string)).toBeUndefined();
      });
    });

    describe('permission overwrites', () => {
      it('sets (replacing), lists sorted by target and deletes overwrites', async () => {
        const g = await guild();
        const ch = await store.createChannel({ id: newId(), type: 0, guildId: g.id });
        const user = newId();
        await store.setPermissionOverwrite(ch.id, { id: user, type: 1, allow: '1024', deny: '0' });
        await store.setPermissionOverwrite(ch.id, { id: g.id, type: 0, allow: '0', deny: '1024' });
        await store.setPermissionOverwrite(ch.id, { id: user, type: 1, allow: '18446744073709551615', deny: '2048' });
        expect((await store.getChannel(ch.id))?.permissionOverwrites).toEqual([
          { id: g.id, type: 0, allow: '0', deny: '1024' },
          { id: user, type: 1, allow: '18446744073709551615', deny: '2048' },
        ]);
        expect((await store.listChannels(g.id))[0]?.permissionOverwrites).toHaveLength(2);
        expect(await store.deletePermissionOverwrite(ch.id, g.id)).toBe(true);
        expect(await store.deletePermissionOverwrite(ch.id, g.id)).toBe(false);
        expect((await store.getChannel(ch.id))?.permissionOverwrites.map((o) => o.id)).toEqual([user]);
      });

      it('404s an unknown channel and rejects a bad overwrite', async () => {
        await expect(store.setPermissionOverwrite(newId(), { id: newId(), type: 0, allow: '0', deny: '0' })).rejects.toBeInstanceOf(NotFoundError);
        const g = await guild();
        const ch = await store.createChannel({ id: newId(), type: 0, guildId: g.id });
        await expect(store.setPermissionOverwrite(ch.id, { id: newId(), type: 2 as 0, allow: '0', deny: '0' })).rejects.toBeInstanceOf(InvalidArgumentError);
        await expect(store.setPermissionOverwrite(ch.id, { id: newId(), type: 0, allow: '1.5', deny: '0' })).rejects.toBeInstanceOf(InvalidArgumentError);
        expect((await store.getChannel(ch.id))?.permissionOverwrites).toEqual([]);
      });
    });

    describe('roles', () => {
      it('creates, lists by (position, id), updates and rejects duplicates and unknown guilds', async () => {
        const g = await guild();
        const everyone = await store.createRole({ id: g.id, guildId: g.id, name: '@everyone', permissions: '1071698660929' });
        const mod = await store.createRole({ id: newId(), guildId: g.id, name: 'mod', permissions: '8', position: 2, color: 0xff0000, hoist: true, mentionable: true });
        const bot = await store.createRole({ id: newId(), guildId: g.id, name: 'bot', permissions: '0', position: 1, managed: true });
        expect(everyone).toEqual({ id: g.id, guildId: g.id, name: '@everyone', color: 0, hoist: false, position: 0, permissions: '1071698660929', managed: false, mentionable: false });
        expect(await store.listRoles(g.id)).toEqual([everyone, bot, mod]);
        const edited = await store.updateRole(g.id, mod.id, { name: 'moderator', permissions: '9', color: 1 });
        expect(edited).toEqual({ ...mod, name: 'moderator', permissions: '9', color: 1 });
        expect((await store.listRoles(g.id))[2]).toEqual(edited);
        await expect(store.createRole({ id: mod.id, guildId: g.id, name: 'x', permissions: '0' })).rejects.toBeInstanceOf(ConflictError);
        await expect(store.createRole({ id: newId(), guildId: newId(), name: 'x', permissions: '0' })).rejects.toBeInstanceOf(NotFoundError);
        await expect(store.updateRole(g.id, newId(), { name: 'x' })).rejects.toBeInstanceOf(NotFoundError);
        await expect(store.updateRole(newId(), mod.id, { name: 'x' })).rejects.toBeInstanceOf(NotFoundError);
        await expect(store.createRole({ id: newId(), guildId: g.id, name: 'x', permissions: 'all' })).rejects.toBeInstanceOf(InvalidArgumentError);
      });

      it('deleting a role takes it from every member', async () => {
        const g = await guild();
        const a = await store.createRole({ id: newId(), guildId: g.id, name: 'a', permissions: '0' });
        const b = await store.createRole({ id: newId(), guildId: g.id, name: 'b', permissions: '0' });
        const u1 = newId();
        const u2 = newId();
        await store.addMember({ guildId: g.id, userId: u1, joinedAt: new Date(), roleIds: [a.id, b.id] });
        await store.addMember({ guildId: g.id, userId: u2, joinedAt: new Date(), roleIds: [a.id] });
        expect(await store.deleteRole(g.id, a.id)).toBe(true);
        expect(await store.deleteRole(g.id, a.id)).toBe(false);
        expect((await store.getMember(g.id, u1))?.roleIds).toEqual([b.id]);
        expect((await store.getMember(g.id, u2))?.roleIds).toEqual([]);
        expect((await store.listRoles(g.id)).map((r) => r.id)).toEqual([b.id]);
      });
    });

    describe('members', () => {
      it('adds, reads, updates and removes a member; rejects duplicates, unknown guilds and foreign roles', async () => {
        const g = await guild();
        const other = await guild();
        const role = await store.createRole({ id: newId(), guildId: g.id, name: 'r', permissions: '0' });
        const foreign = await store.createRole({ id: newId(), guildId: other.id, name: 'f', permissions: '0' });
        const userId = newId();
        const joinedAt = new Date(1_700_000_000_123);
        const added = await store.addMember({ guildId: g.id, userId, joinedAt, roleIds: [role.id], nick: 'nick' });
        expect(added).toEqual({ guildId: g.id, userId, nick: 'nick', roleIds: [role.id], joinedAt, deaf: false, mute: false });
        expect(await store.getMember(g.id, userId)).toEqual(added);
        await expect(store.addMember({ guildId: g.id, userId, joinedAt })).rejects.toBeInstanceOf(ConflictError);
        await expect(store.addMember({ guildId: newId(), userId, joinedAt })).rejects.toBeInstanceOf(NotFoundError);
        await expect(store.addMember({ guildId: g.id, userId: newId(), joinedAt, roleIds: [foreign.id] })).rejects.toBeInstanceOf(NotFoundError);
        const updated = await store.updateMember(g.id, userId, { nick: null, mute: true, roleIds: [] });
        expect(updated).toEqual({ ...added, nick: null, mute: true, roleIds: [] });
        expect(await store.getMember(g.id, userId)).toEqual(updated);
        await expect(store.updateMember(g.id, userId, { roleIds: [foreign.id] })).rejects.toBeInstanceOf(NotFoundError);
        await expect(store.updateMember(g.id, newId(), { nick: 'x' })).rejects.toBeInstanceOf(NotFoundError);
        expect(await store.removeMember(g.id, userId)).toBe(true);
        expect(await store.removeMember(g.id, userId)).toBe(false);
        expect(await store.getMember(g.id, userId)).toBeUndefined();
      });

      it('lists members by user id with after and limit (1..1000)', async () => {
        const g = await guild();
        const role = await store.createRole({ id: newId(), guildId: g.id, name: 'r', permissions: '0' });
        const users = Array.from({ length: 7 }, () => newId());
        for (const [i, userId] of [...users].reverse().entries()) {
          await store.addMember({ guildId: g.id, userId, joinedAt: new Date(), roleIds: i % 2 === 0 ? [role.id] : [] });
        }
        const first = await store.listMembers(g.id, { limit: 3 });
        expect(first.map((m) => m.userId)).toEqual(users.slice(0, 3));
        const next = await store.listMembers(g.id, { limit: 3, after: users[2] });
        expect(next.map((m) => m.userId)).toEqual(users.slice(3, 6));
        const last = await store.listMembers(g.id, { limit: 1000, after: users[5] });
        expect(last.map((m) => m.userId)).toEqual(users.slice(6));
        const all = await store.listMembers(g.id, { limit: 1000 });
        for (const member of all) expect(member).toEqual(await store.getMember(g.id, member.userId));
        expect(all.filter((m) => m.roleIds.length === 1)).toHaveLength(4);
        await expect(store.listMembers(g.id, { limit: 0 })).rejects.toBeInstanceOf(InvalidArgumentError);
        await expect(store.listMembers(g.id, { limit: 1001 })).rejects.toBeInstanceOf(InvalidArgumentError);
        expect(await store.listMembers(newId(), { limit: 10 })).toEqual([]);
      });

      it('lists the guilds of a user', async () => {
        const userId = newId();
        const g1 = await guild();
        const g2 = await guild();
        await guild();
        await store.addMember({ guildId: g2.id, userId, joinedAt: new Date() });
        await store.addMember({ guildId: g1.id, userId, joinedAt: new Date() });
        expect(await store.listGuildIdsForUser(userId)).toEqual([g1.id, g2.id]);
        await store.removeMember(g1.id, userId);
        expect(await store.listGuildIdsForUser(userId)).toEqual([g2.id]);
      });
    });

    describe('invites', () => {
      it('creates with expiry, reads, lists by code and deletes', async () => {
        const g = await guild();
        const ch = await store.createChannel({ id: newId(), type: 0, guildId: g.id });
        const inviterId = newId();
        const createdAt = new Date(1_700_000_000_000);
        const invite = await store.createInvite({ code: `b${counter}x`, guildId: g.id, channelId: ch.id, inviterId, createdAt, maxAge: 3600, maxUses: 5 });
        expect(invite).toEqual({ code: `b${counter}x`, guildId: g.id, channelId: ch.id, inviterId, uses: 0, maxUses: 5, maxAge: 3600, temporary: false, createdAt, expiresAt: new Date(createdAt.getTime() + 3_600_000) });
        const forever = await store.createInvite({ code: `a${counter}x`, guildId: g.id, channelId: ch.id, createdAt, maxAge: 0 });
        expect(forever.expiresAt).toBeNull();
        expect(forever.maxAge).toBe(0);
        expect(await store.getInvite(invite.code)).toEqual(invite);
        expect((await store.listInvites(g.id)).map((i) => i.code)).toEqual([forever.code, invite.code]);
        await expect(store.createInvite({ code: invite.code, guildId: g.id, channelId: ch.id, createdAt })).rejects.toBeInstanceOf(ConflictError);
        const otherGuild = await guild();
        await expect(store.createInvite({ code: `z${counter}x`, guildId: otherGuild.id, channelId: ch.id, createdAt })).rejects.toBeInstanceOf(NotFoundError);
        await expect(store.createInvite({ code: 'bad code!', guildId: g.id, channelId: ch.id, createdAt })).rejects.toBeInstanceOf(InvalidArgumentError);
        expect(await store.deleteInvite(invite.code)).toBe(true);
        expect(await store.deleteInvite(invite.code)).toBe(false);
        expect(await store.getInvite(invite.code)).toBeUndefined();
      });

      it('counts uses, refuses expired and used-up invites, 404s unknown codes', async () => {
        const g = await guild();
        const ch = await store.createChannel({ id: newId(), type: 0, guildId: g.id });
        const createdAt = new Date(1_700_000_000_000);
        const code = `u${counter}x`;
        await store.createInvite({ code, guildId: g.id, channelId: ch.id, createdAt, maxAge: 60, maxUses: 2 });
        const at = new Date(createdAt.getTime() + 1000);
        expect((await store.useInvite(code, at)).uses).toBe(1);
        expect((await store.useInvite(code, at)).uses).toBe(2);
        const exhausted = store.useInvite(code, at);
        await expect(exhausted).rejects.toBeInstanceOf(InviteUnusableError);
        await expect(exhausted).rejects.toMatchObject({ reason: 'exhausted' });
        expect((await store.getInvite(code))?.uses).toBe(2);
        const code2 = `v${counter}x`;
        await store.createInvite({ code: code2, guildId: g.id, channelId: ch.id, createdAt, maxAge: 60 });
        const expired = store.useInvite(code2, new Date(createdAt.getTime() + 60_000));
        await expect(expired).rejects.toBeInstanceOf(NotFoundError);
        await expect(expired).rejects.toMatchObject({ reason: 'expired' });
        await expect(store.useInvite('nosuchcode', at)).rejects.toBeInstanceOf(NotFoundError);
      });

      it('concurrent uses never exceed maxUses', async () => {
        const g = await guild();
        const ch = await store.createChannel({ id: newId(), type: 0, guildId: g.id });
        const code = `w${counter}x`;
        await store.createInvite({ code, guildId: g.id, channelId: ch.id, createdAt: new Date(), maxAge: 0, maxUses: 3 });
        const results = await Promise.allSettled(Array.from({ length: 6 }, () => store.useInvite(code, new Date())));
        expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(3);
        for (const r of results) if (r.status === 'rejected') expect(r.reason).toBeInstanceOf(InviteUnusableError);
        expect((await store.getInvite(code))?.uses).toBe(3);
      });
    });
  });
}
