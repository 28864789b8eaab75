/**
 * Read states end to end.
 *
 * In one process (every module): bob is mentioned by alice and his read
 * state counts it; his ack over REST resets it and every one of his sessions
 * gets MESSAGE_ACK; a new session's READY carries the read state.
 *
 * As separate processes (the rest of the system, and the read-states
 * service alone, on one SQLite file): an ack survives a graceful restart of
 * the read-states service, and a crash (SIGKILL) once the flush delay has
 * passed; an ack younger than the flush delay is what a crash can lose.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RunningServer } from '@chat/modules';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { freePort, ProcessSet, type Frame } from './testing/processes';
import { callApi } from './testing/rest-api';
import { startInProcessServer } from './testing/in-process-server';

const processes = new ProcessSet();
const dir = mkdtempSync(join(tmpdir(), 'chat-read-states-'));
let server: RunningServer | undefined;

afterEach(async () => {
  processes.cleanup();
  await server?.shutdown('test');
  server = undefined;
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const readyOf = (frames: Frame[]) => frames.find((f) => f.t === 'READY')?.d;
const entryOf = (ready: any, channelId: string) => (ready?.read_state?.entries as any[] | undefined)?.find((e) => e.id === channelId);

/** Two users in one guild: alice owns it, bob joined by invite. */
async function twoUsers(api: string) {
  const register = async (name: string) => {
    const r = await callApi(api, 'POST', '/auth/register', undefined, { username: name, password: 'correct horse battery', email: `${name}@example.com` });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    return { token: r.body.token as string, id: r.body.user_id as string };
  };
  const alice = await register('alice');
  const bob = await register('bob');
  const guild = await callApi(api, 'POST', '/guilds', alice.token, { name: 'Reads' });
  const channelId = (await callApi(api, 'GET', `/guilds/${guild.body.id}/channels`, alice.token)).body[0].id as string;
  const invite = await callApi(api, 'POST', `/channels/${channelId}/invites`, alice.token, {});
  expect((await callApi(api, 'POST', `/invites/${invite.body.code}`, bob.token, {})).status).toBe(200);
  return { alice, bob, guildId: guild.body.id as string, channelId };
}

describe('read states in one process', () => {
  it('counts a mention, resets it on ack with MESSAGE_ACK to every session, and READY carries it', async () => {
    server = await startInProcessServer({ CHAT_READ_STATES_FLUSH_MS: '50' });
    const api = server.endpoints.api!;
    const { alice, bob, channelId } = await twoUsers(api);
    const first = await processes.connectClient(server.endpoints.gateway!, bob.token);
    const second = await processes.connectClient(server.endpoints.gateway!, bob.token);
    for (const c of [first, second]) await c.waitFor((f) => f.some((x) => x.t === 'READY'), 'READY');
    expect(readyOf(first.frames).read_state).toEqual({ version: 1, partial: false, entries: [] });

    const mention = await callApi(api, 'POST', `/channels/${channelId}/messages`, alice.token, { content: `hey <@${bob.id}>` });
    expect(mention.status).toBe(200);
    const plain = await callApi(api, 'POST', `/channels/${channelId}/messages`, alice.token, { content: 'no mention' });
    // The mention count arrives through the bus (data service -> read states); READY of a new session shows it.
    let ready: any;
    for (let i = 0; i < 50; i++) {
      const probe = await processes.connectClient(server.endpoints.gateway!, bob.token);
      await probe.waitFor((f) => f.some((x) => x.t === 'READY'), 'READY');
      ready = readyOf(probe.frames);
      probe.ws.close();
      if (entryOf(ready, channelId)?.mention_count === 1) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(entryOf(ready, channelId)).toEqual({ id: channelId, last_message_id: null, mention_count: 1, last_pin_timestamp: null });

    const ack = await callApi(api, 'POST', `/channels/${channelId}/messages/${plain.body.id}/ack`, bob.token, { token: null });
    expect(ack).toEqual({ status: 200, body: { token: null } });
    for (const c of [first, second]) {
      await c.waitFor((f) => f.some((x) => x.t === 'MESSAGE_ACK'), 'MESSAGE_ACK');
      expect(c.frames.find((x) => x.t === 'MESSAGE_ACK')!.d).toMatchObject({ channel_id: channelId, message_id: plain.body.id, mention_count: 0 });
    }
    const after = await processes.connectClient(server.endpoints.gateway!, bob.token);
    await after.waitFor((f) => f.some((x) => x.t === 'READY'), 'READY');
    expect(entryOf(readyOf(after.frames), channelId)).toEqual({ id: channelId, last_message_id: plain.body.id, mention_count: 0, last_pin_timestamp: null });

    // Bad input: a malformed message id is a Discord form error; a bot cannot ack; a channel one cannot see is 50001/10003.
    expect((await callApi(api, 'POST', `/channels/${channelId}/messages/nope/ack`, bob.token, {})).status).toBe(400);
    expect((await callApi(api, 'POST', `/channels/1/messages/${plain.body.id}/ack`, bob.token, {})).status).toBe(404);
  }, 60_000);
});

describe('read states as a separate process', () => {
  it('an ack survives a graceful restart and a crash after the flush delay; a crash inside it loses the ack, as documented', async () => {
    const db = join(dir, 'chat.db');
    const readStatesPort = await freePort();
    const store = { CHAT_STORE: 'sqlite', CHAT_SQLITE_PATH: db };
    const startReadStates = (flushMs: number) =>
      processes.startApp('read-states', { ...store, CHAT_GRPC_PORT: String(readStatesPort), CHAT_READ_STATES_FLUSH_MS: String(flushMs), CHAT_SNOWFLAKE_WORKER_ID: '9' }, ['grpc']);
    let readStates = await startReadStates(200);
    const rest = await processes.startApp(
      'server',
      { ...store, CHAT_GATEWAY_READ_STATES_NODES: `rs-0=127.0.0.1:${readStatesPort}`, CHAT_API_READ_STATES_NODES: `rs-0=127.0.0.1:${readStatesPort}`, CHAT_SNOWFLAKE_WORKER_ID: '1' },
      ['api', 'gateway'],
      { args: ['--target=api,gateway,guild,data-service'] },
    );
    const api = rest.lines.api!;
    const { alice, bob, channelId } = await twoUsers(api);
    const post = async (content: string) => (await callApi(api, 'POST', `/channels/${channelId}/messages`, alice.token, { content })).body.id as string;
    const readyEntry = async () => {
      const client = await processes.connectClient(rest.lines.gateway!, bob.token);
      await client.waitFor((f) => f.some((x) => x.t === 'READY'), 'READY');
      client.ws.close();
      return entryOf(readyOf(client.frames), channelId);
    };

    const m1 = await post('one');
    expect((await callApi(api, 'POST', `/channels/${channelId}/messages/${m1}/ack`, bob.token, {})).status).toBe(200);
    readStates.child.kill('SIGTERM'); // graceful: writes every dirty entry
    await readStates.exited;
    readStates = await startReadStates(200);
    expect(await readyEntry()).toMatchObject({ last_message_id: m1, mention_count: 0 });

    const m2 = await post('two');
    expect((await callApi(api, 'POST', `/channels/${channelId}/messages/${m2}/ack`, bob.token, {})).status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 600)); // past the 200 ms flush delay
    readStates.child.kill('SIGKILL');
    await readStates.exited;
    readStates = await startReadStates(60_000);
    expect(await readyEntry()).toMatchObject({ last_message_id: m2 });

    const m3 = await post('three');
    expect((await callApi(api, 'POST', `/channels/${channelId}/messages/${m3}/ack`, bob.token, {})).status).toBe(200);
    expect(await readyEntry()).toMatchObject({ last_message_id: m3 }); // served from the cache
    readStates.child.kill('SIGKILL'); // inside the 60 s flush delay
    await readStates.exited;
    readStates = await startReadStates(200);
    expect(await readyEntry()).toMatchObject({ last_message_id: m2 });
  }, 120_000);
});
