import { afterEach, describe, expect, it } from 'vitest';
import { openStore, type Store } from '@chat/store';
import type { DispatchFrame, LocalSession } from '../relay/local-sessions';
import { intentOf, LocalGuildPublisher } from './local-guild-publisher';

const guildId = '220000000000000001';
const channelId = '320000000000000001';
const [owner, member, outsider] = ['120000000000000001', '120000000000000002', '120000000000000003'];

let store: Store | undefined;
afterEach(async () => {
  await store?.close();
  store = undefined;
});

function session(userId: string, intents: number, got: DispatchFrame[]): LocalSession {
  return { sessionId: `s-${userId}`, userId, intents, allowPassive: false, largeThreshold: 50, deliver: (frame) => got.push(frame) };
}

describe('LocalGuildPublisher', () => {
  it('delivers to members with the intent and VIEW_CHANNEL, redacting content for sessions without MESSAGE_CONTENT', async () => {
    store = await openStore({ backend: 'sqlite', path: ':memory:' });
    for (const id of [owner, member, outsider]) await store.users.createUser({ id, username: `u${id.slice(-1)}` });
    await store.guilds.createGuild({ id: guildId, name: 'g', ownerId: owner });
    await store.guilds.createRole({ id: guildId, guildId, name: '@everyone', permissions: String(1 << 10) });
    await store.guilds.createChannel({ id: channelId, type: 0, guildId, name: 'c' });
    for (const id of [owner, member]) await store.guilds.addMember({ guildId, userId: id, joinedAt: new Date() });
    const got: Record<string, DispatchFrame[]> = { owner: [], member: [], outsider: [], noIntent: [] };
    const sessions = [
      session(owner, (1 << 9) | (1 << 15), got.owner!),
      session(member, 1 << 9, got.member!),
      session(outsider, 1 << 9, got.outsider!),
      { ...session(member, 1 << 0, got.noIntent!), sessionId: 's-no-intent' },
    ];
    const publisher = new LocalGuildPublisher({ all: () => sessions }, store.guilds);
    const dispatch = { type: 'MESSAGE_CREATE', payloadJson: '{"content":"hi"}', redactedPayloadJson: '{"content":""}', channelId, authorId: owner };
    expect(await publisher.publish(guildId, dispatch)).toBe(2);
    expect(got.owner?.[0]?.body.toString()).toBe('"t":"MESSAGE_CREATE","d":{"content":"hi"}');
    expect(got.member?.[0]?.body.toString()).toBe('"t":"MESSAGE_CREATE","d":{"content":""}');
    expect(got.outsider).toHaveLength(0);
    expect(got.noIntent).toHaveLength(0);
    // A member overwrite denying VIEW_CHANNEL hides the channel's events from that member.
    await store.guilds.setPermissionOverwrite(channelId, { id: member, type: 1, allow: '0', deny: String(1 << 10) });
    expect(await publisher.publish(guildId, dispatch)).toBe(1);
    expect(got.member).toHaveLength(1);
  });

  it('derives intents from the dispatch name', () => {
    expect(intentOf('MESSAGE_CREATE')).toBe(1 << 9);
    expect(intentOf('TYPING_START')).toBe(1 << 11);
    expect(intentOf('GUILD_MEMBER_ADD')).toBe(1 << 1);
    expect(intentOf('CHANNEL_CREATE')).toBe(1 << 0);
    expect(intentOf('PRESENCE_UPDATE')).toBe(1 << 8);
  });
});
