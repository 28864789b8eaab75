import { describe, expect, it } from 'vitest';
import { decodeEntries, encodeEntries, type ReplicaEntry } from './worker-protocol';

describe('replica entries on the wire', () => {
  it('decode to records equal to the ones encoded, Dates included', () => {
    const entries: ReplicaEntry[] = [
      [
        '201',
        { guildId: '1', userId: '201', nick: 'n', roleIds: ['5', '6'], joinedAt: new Date('2024-02-03T04:05:06.789Z'), deaf: true, mute: false },
        { id: '201', username: 'ann', discriminator: '0', globalName: 'Ann', avatar: 'abc', bot: false, flags: 64, email: 'a@b.c', createdAt: new Date('2023-01-01T00:00:00.001Z') },
        { status: 'dnd', activities: [{ name: 'x', type: 0 }], clientStatus: { mobile: 'dnd' } },
      ],
      ['202', { guildId: '1', userId: '202', nick: null, roleIds: [], joinedAt: new Date(0), deaf: false, mute: true }, null, null],
      ['203', null, null, null],
    ];
    const decoded = decodeEntries(encodeEntries(entries));
    expect(decoded).toEqual(entries);
    expect(decoded[0]![1]!.joinedAt).toBeInstanceOf(Date);
    expect(decoded[0]![2]!.createdAt.toISOString()).toBe('2023-01-01T00:00:00.001Z');
  });
});
