import { describe, expect, it } from 'vitest';
import { computeBasePermissions, computeChannelPermissions, type GuildPermissionFacts } from './compute';
import { ALL_PERMISSIONS, DEFAULT_EVERYONE_PERMISSIONS, Permission, hasPermission, parsePermissions } from './flags';

const guildId = '100';
const guild: GuildPermissionFacts = {
  guildId,
  ownerId: '1',
  rolePermissions: new Map([
    [guildId, Permission.VIEW_CHANNEL | Permission.SEND_MESSAGES],
    ['200', Permission.MANAGE_MESSAGES],
    ['300', Permission.ADMINISTRATOR],
    ['400', Permission.KICK_MEMBERS],
  ]),
};

describe('computeBasePermissions', () => {
  it('gives the owner and administrators everything', () => {
    expect(computeBasePermissions(guild, { userId: '1', roleIds: [] })).toBe(ALL_PERMISSIONS);
    expect(computeBasePermissions(guild, { userId: '2', roleIds: ['300'] })).toBe(ALL_PERMISSIONS);
  });

  it('ORs @everyone with the member roles and ignores unknown roles', () => {
    expect(computeBasePermissions(guild, { userId: '2', roleIds: ['200', '999'] })).toBe(
      Permission.VIEW_CHANNEL | Permission.SEND_MESSAGES | Permission.MANAGE_MESSAGES,
    );
  });
});

describe('computeChannelPermissions', () => {
  const member = { userId: '2', roleIds: ['200', '400'] };

  it('applies @everyone, then role overwrites together, then the member overwrite', () => {
    const overwrites = [
      { id: guildId, type: 0 as const, allow: 0n, deny: Permission.SEND_MESSAGES },
      { id: '200', type: 0 as const, allow: Permission.SEND_MESSAGES, deny: Permission.MANAGE_MESSAGES },
      { id: '400', type: 0 as const, allow: Permission.MANAGE_MESSAGES, deny: 0n },
      { id: '2', type: 1 as const, allow: Permission.ATTACH_FILES, deny: Permission.KICK_MEMBERS },
    ];
    const result = computeChannelPermissions(guild, member, overwrites);
    // role allows win over role denies at the same level: 400 allows MANAGE_MESSAGES although 200 denies it
    expect(hasPermission(result, Permission.MANAGE_MESSAGES)).toBe(true);
    expect(hasPermission(result, Permission.SEND_MESSAGES)).toBe(true);
    expect(hasPermission(result, Permission.ATTACH_FILES)).toBe(true);
    expect(hasPermission(result, Permission.KICK_MEMBERS)).toBe(false);
  });

  it('hides a channel entirely when VIEW_CHANNEL is denied', () => {
    const overwrites = [{ id: guildId, type: 0 as const, allow: 0n, deny: Permission.VIEW_CHANNEL }];
    expect(computeChannelPermissions(guild, member, overwrites)).toBe(0n);
    expect(computeChannelPermissions(guild, { userId: '1', roleIds: [] }, overwrites)).toBe(ALL_PERMISSIONS);
  });

  it('lets a member overwrite restore what a role overwrite denied', () => {
    const overwrites = [
      { id: '200', type: 0 as const, allow: 0n, deny: Permission.VIEW_CHANNEL },
      { id: '2', type: 1 as const, allow: Permission.VIEW_CHANNEL, deny: 0n },
    ];
    expect(hasPermission(computeChannelPermissions(guild, member, overwrites), Permission.VIEW_CHANNEL)).toBe(true);
  });
});

describe('flags', () => {
  it('matches Discord bit values', () => {
    expect(Permission.ADMINISTRATOR).toBe(8n);
    expect(Permission.VIEW_CHANNEL).toBe(1024n);
    expect(Permission.SEND_MESSAGES).toBe(2048n);
    expect(Permission.CONNECT).toBe(1048576n);
    expect(hasPermission(DEFAULT_EVERYONE_PERMISSIONS, Permission.MENTION_EVERYONE)).toBe(false);
  });

  it('parses decimal strings and refuses anything else', () => {
    expect(parsePermissions('2048')).toBe(2048n);
    expect(parsePermissions(8)).toBe(8n);
    expect(() => parsePermissions('-1')).toThrow(RangeError);
    expect(() => parsePermissions('0x10')).toThrow(RangeError);
    expect(() => parsePermissions('18446744073709551616')).toThrow('do not fit');
  });
});
