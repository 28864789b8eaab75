/**
 * Test-only: the search scenario both search e2e specs run against a whole
 * server (embedded, or Kafka + Elasticsearch): messages sent, edited and
 * deleted through the REST API become searchable (and unsearchable) through
 * the search routes, a member never sees a hit from a channel they cannot
 * view, and a DM is found by each participant's DM search.
 */
import { expect } from 'vitest';
import type { RunningServer } from '@chat/modules';
import { callApi } from './testing/rest-api';
import { startInProcessServer } from './testing/in-process-server';

type Call = (method: string, path: string, token: string | undefined, body?: unknown) => Promise<{ status: number; body: any }>;

/** Polls `check` until it passes or `timeoutMs` went by (indexing is asynchronous to the write). */
async function eventually<T>(timeoutMs: number, check: () => Promise<T>): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await check();
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}

/** Starts the server with `env` and runs the scenario; returns the server (the caller shuts it down). */
export async function runSearchScenario(env: Record<string, string>, options: { timeoutMs: number; onServer: (server: RunningServer) => void }): Promise<void> {
  const server = await startInProcessServer(env);
  options.onServer(server);
  const call: Call = (method: string, path: string, token: string | undefined, body?: unknown) => callApi(server.endpoints.api, method, path, token, body);
  const register = async (username: string) => {
    const response = await call('POST', '/auth/register', undefined, { username, password: 'correct horse battery', email: `${username}@example.com` });
    expect(response.status).toBe(201);
    return { id: response.body.user_id as string, token: response.body.token as string };
  };
  const alice = await register('alice');
  const bob = await register('bob');
  const guild = await call('POST', '/guilds', alice.token, { name: 'Search Home' });
  expect(guild.status).toBe(201);
  const guildId = guild.body.id as string;
  const general = guild.body.system_channel_id as string;
  const invite = await call('POST', `/channels/${general}/invites`, alice.token, {});
  expect((await call('POST', `/invites/${invite.body.code as string}`, bob.token)).status).toBe(200);
  const hidden = await call('POST', `/guilds/${guildId}/channels`, alice.token, { name: 'staff', type: 0, permission_overwrites: [{ id: guildId, type: 0, deny: String(1 << 10) }] });
  expect(hidden.status).toBe(201);

  const send = async (token: string, channelId: string, content: string) => {
    const response = await call('POST', `/channels/${channelId}/messages`, token, { content });
    expect(response.status).toBe(200);
    return response.body.id as string;
  };
  const publicId = await send(alice.token, general, 'the quick brown fox jumps');
  const secretId = await send(alice.token, hidden.body.id as string, 'the fox hides in staff');

  const search = async (token: string, query: string, expected: { total: number; ids: string[] }, path = `/guilds/${guildId}/messages/search`) =>
    eventually(options.timeoutMs, async () => {
      const response = await call('GET', `${path}?${query}`, token);
      expect(response.status).toBe(200);
      expect({ total: response.body.total_results, ids: response.body.messages.map((hit: { id: string }[]) => hit[0]?.id) }).toEqual(expected);
      return response.body;
    });

  // Sent through REST, searchable through the search route; the hidden channel's hit exists for alice only.
  const asBob = await search(bob.token, 'content=fox', { total: 1, ids: [publicId] });
  expect(asBob.messages[0][0]).toMatchObject({ content: 'the quick brown fox jumps', channel_id: general, hit: true, author: { id: alice.id } });
  await search(alice.token, 'content=fox', { total: 2, ids: [secretId, publicId] });
  await search(bob.token, `content=fox&channel_id=${hidden.body.id as string}`, { total: 0, ids: [] });

  // Edits and deletes reach the index.
  expect((await call('PATCH', `/channels/${general}/messages/${publicId}`, alice.token, { content: 'the quick brown wolf jumps' })).status).toBe(200);
  await search(bob.token, 'content=wolf', { total: 1, ids: [publicId] });
  await search(bob.token, 'content=fox', { total: 0, ids: [] });
  expect((await call('DELETE', `/channels/${hidden.body.id as string}/messages/${secretId}`, alice.token)).status).toBe(204);
  await search(alice.token, 'content=fox', { total: 0, ids: [] });

  // A DM is found by both participants' DM search, and by nobody's guild search.
  const dm = await call('POST', '/users/@me/channels', bob.token, { recipient_id: alice.id });
  expect(dm.status).toBe(200);
  const dmId = await send(bob.token, dm.body.id as string, 'a fox in the DMs');
  await search(alice.token, 'content=fox', { total: 1, ids: [dmId] }, '/users/@me/messages/search');
  await search(bob.token, 'content=fox', { total: 1, ids: [dmId] }, '/users/@me/messages/search');
  await search(alice.token, 'content=fox', { total: 0, ids: [] });
}
