/**
 * Every gateway opcode that reads guild data checks who asks (issue #12): a
 * user in no shared guild sends REQUEST_GUILD_MEMBERS (op 8), the lazy guild
 * request (op 14) and bulk guild subscriptions (op 37) for another user's
 * guild, with every intent, and receives nothing of it: no member chunk, no
 * typing, message or presence of that guild, while the guild's own member
 * gets all of them in the same run. The whole server runs in one process on
 * the real path (guild service, relay, session actors).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { ALL_INTENTS } from '@chat/gateway';
import type { RunningServer } from '@chat/modules';
import { callApi } from './testing/rest-api';
import { ProcessSet } from './testing/processes';
import { startInProcessServer } from './testing/in-process-server';

let server: RunningServer | undefined;
const processes = new ProcessSet();
afterEach(async () => {
  processes.cleanup();
  await server?.shutdown('test');
  server = undefined;
});

describe('gateway authorization of guild reads', () => {
  it('answers op 8, 14 and 37 from a non-member with nothing of the guild', async () => {
    server = await startInProcessServer();
    const api = server.endpoints.api;
    const register = async (username: string): Promise<{ id: string; token: string }> => {
      const response = await callApi(api, 'POST', '/auth/register', undefined, { username, password: 'correct horse battery', email: `${username}@example.com` });
      expect(response.status).toBe(201);
      return { id: response.body.user_id, token: response.body.token };
    };
    const alice = await register('alice');
    const mallory = await register('mallory');
    const guildId = (await callApi(api, 'POST', '/guilds', alice.token, { name: 'Private' })).body.id as string;
    const channelId = (await callApi(api, 'GET', `/guilds/${guildId}/channels`, alice.token)).body[0].id as string;
    const ownGuildId = (await callApi(api, 'POST', '/guilds', mallory.token, { name: 'Mine' })).body.id as string;

    const owner = await processes.connectClient(server.endpoints.gateway!, alice.token, ALL_INTENTS);
    await owner.waitFor((f) => f.some((x) => x.t === 'GUILD_CREATE' && x.d.id === guildId), "alice's GUILD_CREATE");
    const outsider = await processes.connectClient(server.endpoints.gateway!, mallory.token, ALL_INTENTS);
    await outsider.waitFor((f) => f.some((x) => x.t === 'GUILD_CREATE' && x.d.id === ownGuildId), "mallory's own GUILD_CREATE");
    const send = (op: number, d: unknown): void => outsider.ws.send(JSON.stringify({ op, d }));

    send(8, { guild_id: guildId, query: '', limit: 0, presences: true, nonce: 'all' });
    send(8, { guild_id: guildId, user_ids: [alice.id], nonce: 'by-id' });
    send(8, { guild_id: guildId, query: 'al', limit: 10, nonce: 'by-query' });
    send(8, { guild_id: '123456789012345678', query: '', limit: 0, nonce: 'unknown-guild' });
    send(14, { guild_id: guildId, typing: true, activities: true, threads: true, members: [alice.id], channels: { [channelId]: [[0, 99]] } });
    send(37, { subscriptions: { [guildId]: { typing: true, activities: true, threads: true, members: [alice.id] } } });
    // The session actor takes requests in order: the answer to this one means every request above was handled.
    send(8, { guild_id: ownGuildId, query: '', limit: 0, nonce: 'own' });
    await outsider.waitFor((f) => f.some((x) => x.t === 'GUILD_MEMBERS_CHUNK' && x.d.nonce === 'own'), 'the chunk of her own guild');

    // Activity in the private guild, which its member sees.
    owner.ws.send(JSON.stringify({ op: 8, d: { guild_id: guildId, query: '', limit: 0, nonce: 'owner' } }));
    owner.ws.send(JSON.stringify({ op: 3, d: { status: 'dnd', since: null, activities: [], afk: false } }));
    expect((await callApi(api, 'POST', `/channels/${channelId}/typing`, alice.token)).status).toBe(204);
    const posted = await callApi(api, 'POST', `/channels/${channelId}/messages`, alice.token, { content: 'members only' });
    expect(posted.status).toBe(200);
    await owner.waitFor((f) => f.some((x) => x.t === 'MESSAGE_CREATE' && x.d.id === posted.body.id), "alice's MESSAGE_CREATE");
    await owner.waitFor((f) => f.some((x) => x.t === 'GUILD_MEMBERS_CHUNK' && x.d.nonce === 'owner'), "alice's member chunk");
    await new Promise((resolve) => setTimeout(resolve, 500));

    const leaked = outsider.frames.filter((f) => f.op === 0 && (f.d?.guild_id === guildId || f.d?.id === guildId || (f.t === 'GUILD_MEMBERS_CHUNK' && f.d?.nonce !== 'own')));
    expect(leaked).toEqual([]);
    expect(outsider.frames.some((f) => f.t === 'MESSAGE_CREATE' && f.d.content === 'members only')).toBe(false);
    expect(JSON.stringify(outsider.frames)).not.toContain(posted.body.id);
    // Still connected: refused requests are not errors that end the session.
    outsider.ws.send(JSON.stringify({ op: 1, d: null }));
    await outsider.waitFor((f) => f.some((x) => x.op === 11), 'HEARTBEAT_ACK');
  });
});
