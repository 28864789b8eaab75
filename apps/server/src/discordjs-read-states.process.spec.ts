/**
 * Issue 5's "Done when": a discord.js client's unread state survives a
 * restart of the read-states service. Bots have no read states on Discord,
 * so the client is a user: discord.js's own gateway and REST layers
 * (@discordjs/ws WebSocketManager and discord.js's REST, unmodified, with
 * `api` pointed here and `authPrefix: 'Bearer'` for a user token; the
 * high-level Client only accepts bot READYs). It acks a message through its
 * REST client, the read-states service (a separate process) is restarted, and
 * a new login finds the ack in READY's read_state. The rest of the system runs
 * in another process; both share one SQLite file.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WebSocketManager, WebSocketShardEvents } from '@discordjs/ws';
import { GatewayIntentBits, REST, Routes } from 'discord.js';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { freePort, ProcessSet } from './testing/processes';
import { callApi } from './testing/rest-api';

const processes = new ProcessSet();
const dir = mkdtempSync(join(tmpdir(), 'chat-djs-read-states-'));
const managers: WebSocketManager[] = [];
afterEach(async () => {
  for (const manager of managers.splice(0)) await manager.destroy();
  processes.cleanup();
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface ReadStateEntry {
  id: string;
  last_message_id: string | null;
  mention_count: number;
}

/** Connects discord.js's gateway layer with a user token; resolves with its REST client and READY's read_state entries. */
async function loginAndReadState(api: string, token: string): Promise<{ rest: REST; manager: WebSocketManager; entries: ReadStateEntry[] }> {
  const rest = new REST({ api, authPrefix: 'Bearer' }).setToken(token);
  const manager = new WebSocketManager({ token, intents: GatewayIntentBits.Guilds | GatewayIntentBits.GuildMessages, rest });
  // @discordjs/ws is a bot library: it asks GET /gateway/bot, which, as on Discord, answers bots only (20002).
  // A user client asks GET /gateway; the manager is given that answer, with the one shard a user session has.
  manager.fetchGatewayInformation = async () => {
    const { url } = (await rest.get(Routes.gateway())) as { url: string };
    return { url, shards: 1, session_start_limit: { total: 1000, remaining: 1000, reset_after: 0, max_concurrency: 1 } };
  };
  managers.push(manager);
  const ready = new Promise<ReadStateEntry[]>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('no READY within 20 s')), 20_000);
    manager.on(WebSocketShardEvents.Dispatch, ({ data }) => {
      if (data.t === 'READY') {
        clearTimeout(timer);
        resolve(((data.d as unknown as { read_state?: { entries: ReadStateEntry[] } }).read_state?.entries) ?? []);
      }
    });
  });
  await manager.connect();
  return { rest, manager, entries: await ready };
}

describe('a discord.js client’s unread state', () => {
  it('survives a restart of the read-states service', async () => {
    const store = { CHAT_STORE: 'sqlite', CHAT_SQLITE_PATH: join(dir, 'chat.db') };
    const readStatesPort = await freePort();
    const startReadStates = () => processes.startApp('read-states', { ...store, CHAT_GRPC_PORT: String(readStatesPort), CHAT_SNOWFLAKE_WORKER_ID: '9' }, ['grpc']);
    let readStates = await startReadStates();
    const rest = await processes.startApp('server', { ...store, CHAT_GATEWAY_READ_STATES_NODES: `rs-0=127.0.0.1:${readStatesPort}`, CHAT_API_READ_STATES_NODES: `rs-0=127.0.0.1:${readStatesPort}`, CHAT_SNOWFLAKE_WORKER_ID: '1' }, ['api', 'gateway'], {
      args: ['--target=api,gateway,guild,data-service'],
    });
    const api = rest.lines.api!;
    const register = async (name: string) => (await callApi(api, 'POST', '/auth/register', undefined, { username: name, password: 'correct horse battery', email: `${name}@example.com` })).body as { token: string; user_id: string };
    const alice = await register('alice');
    const bob = await register('bob');
    const guild = await callApi(api, 'POST', '/guilds', alice.token, { name: 'Unread' });
    const channelId = (await callApi(api, 'GET', `/guilds/${guild.body.id}/channels`, alice.token)).body[0].id as string;
    const invite = await callApi(api, 'POST', `/channels/${channelId}/invites`, alice.token, {});
    expect((await callApi(api, 'POST', `/invites/${invite.body.code}`, bob.token, {})).status).toBe(200);
    const posted = await callApi(api, 'POST', `/channels/${channelId}/messages`, alice.token, { content: 'read me' });
    expect(posted.status).toBe(200);

    // discord.js, unmodified: bob logs in, his READY has no read state yet, he acks through discord.js's REST client.
    const first = await loginAndReadState(api, bob.token);
    expect(first.entries.find((e) => e.id === channelId)).toBeUndefined();
    const answer = await first.rest.post(`${Routes.channelMessage(channelId, posted.body.id as string)}/ack`, { body: { token: null } });
    expect(answer).toEqual({ token: null });
    await first.manager.destroy();

    // Graceful restart of the read-states service.
    readStates.child.kill('SIGTERM');
    await readStates.exited;
    readStates = await startReadStates();

    const second = await loginAndReadState(api, bob.token);
    expect(second.entries.find((e) => e.id === channelId)).toEqual({ id: channelId, last_message_id: posted.body.id, mention_count: 0, last_pin_timestamp: null });
  }, 120_000);
});
