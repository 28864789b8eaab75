/** Test fixture: an in-memory SQLite store with one guild, its channels, roles and members. */
import { openStore, type Store } from '@chat/store';

/** Ids used by the fixture. */
export const ids = {
  guild: '100000000000000001',
  owner: '200000000000000001',
  general: '300000000000000001',
  secret: '300000000000000002',
  mods: '400000000000000001',
};

/** A member id for index i (i >= 2). */
export function memberId(i: number): string {
  return (200000000000000000n + BigInt(i)).toString();
}

/** Opens a store with a guild of `memberCount` members (owner included); #secret is visible to @mods only. */
export async function seedGuild(memberCount: number): Promise<Store> {
  const store = await openStore({ backend: 'sqlite', path: ':memory:' });
  await store.users.createUser({ id: ids.owner, username: 'owner' });
  await store.guilds.createGuild({ id: ids.guild, name: 'Test guild', ownerId: ids.owner });
  await store.guilds.createRole({ id: ids.guild, guildId: ids.guild, name: '@everyone', permissions: (1n << 10n | 1n << 11n).toString() });
  await store.guilds.createRole({ id: ids.mods, guildId: ids.guild, name: 'mods', permissions: '0' });
  await store.guilds.createChannel({ id: ids.general, type: 0, guildId: ids.guild, name: 'general' });
  await store.guilds.createChannel({ id: ids.secret, type: 0, guildId: ids.guild, name: 'secret' });
  await store.guilds.setPermissionOverwrite(ids.secret, { id: ids.guild, type: 0, allow: '0', deny: (1n << 10n).toString() });
  await store.guilds.setPermissionOverwrite(ids.secret, { id: ids.mods, type: 0, allow: (1n << 10n).toString(), deny: '0' });
  await store.guilds.addMember({ guildId: ids.guild, userId: ids.owner, joinedAt: new Date('2024-01-01T00:00:00Z') });
  for (let i = 2; i <= memberCount; i += 1) {
    await store.users.createUser({ id: memberId(i), username: `user${i}` });
    await store.guilds.addMember({ guildId: ids.guild, userId: memberId(i), joinedAt: new Date('2024-01-02T00:00:00Z') });
  }
  return store;
}
