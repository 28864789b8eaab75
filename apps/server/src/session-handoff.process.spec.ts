/**
 * Sessions and user events across gateway nodes. Two gateways that know each
 * other (CHAT_GATEWAY_PEERS), one guild node and a data service run as
 * separate processes. A DM and the GUILD_CREATE of a guild just joined,
 * requested through one gateway's API, reach the user connected to the
 * other (GatewayService DispatchToUsers / AttachUserToGuild). A member connected to gateway A keeps receiving a steady stream
 * of messages while A is stopped (SIGTERM): A sends op 7, the client RESUMEs
 * on gateway B, B takes the session over from the draining A (sequence,
 * buffered dispatches, guilds), and the client sees every accepted message
 * exactly once with no gap in `s`. After a crash (SIGKILL) there is nothing
 * to take over: RESUME gets op 9 within a second and a fresh IDENTIFY a
 * complete READY.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort, ProcessSet, type Frame, type Started } from './testing/processes';
import { callApi } from './testing/rest-api';

const processes = new ProcessSet();
const dir = mkdtempSync(join(tmpdir(), 'chat-handoff-'));

afterAll(() => {
  processes.cleanup();
  rmSync(dir, { recursive: true, force: true });
});

function startApp(app: string, env: Record<string, string>, want: string[]): Promise<Started> {
  return processes.startApp(app, { CHAT_STORE: 'sqlite', CHAT_SQLITE_PATH: join(dir, 'chat.db'), ...env }, want);
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('sessions and user events across gateway nodes', () => {
  it('delivers user events on the other node; after a drain every dispatch arrives once with no gap in s; after a crash RESUME gets op 9 and IDENTIFY a full READY', async () => {
    const data = await startApp('data-service', { CHAT_NODE_ID: 'data-0', CHAT_SNOWFLAKE_WORKER_ID: '1' }, ['grpc']);
    const guildPort = await freePort();
    const guildNodes = `guild-a=127.0.0.1:${guildPort}`;
    await startApp('guild', { CHAT_GRPC_PORT: String(guildPort), CHAT_GUILD_NODE_ID: 'guild-a', CHAT_GUILD_NODES: guildNodes, CHAT_GUILD_FLUSH_MS: '2' }, ['grpc']);
    const grpcPorts = [await freePort(), await freePort()];
    const peers = `gateway-a=127.0.0.1:${grpcPorts[0]},gateway-b=127.0.0.1:${grpcPorts[1]}`;
    const gatewayEnv = (index: number) => ({
      CHAT_SNOWFLAKE_WORKER_ID: String(2 + index),
      CHAT_GRPC_PORT: String(grpcPorts[index]),
      CHAT_GATEWAY_NODE_ID: index === 0 ? 'gateway-a' : 'gateway-b',
      CHAT_GATEWAY_PEERS: peers,
      CHAT_GATEWAY_GUILD_NODES: guildNodes,
    });
    let gatewayA = await startApp('gateway', gatewayEnv(0), ['gateway']);
    const gatewayB = await startApp('gateway', gatewayEnv(1), ['gateway']);
    // The API apart (apps/api): it serves no WebSocket, and reaches every gateway node over GatewayService.
    const apiNode = await startApp(
      'api',
      { CHAT_SNOWFLAKE_WORKER_ID: '5', CHAT_API_GUILD_NODES: guildNodes, CHAT_API_DATA_NODES: `data-0=${data.lines.grpc}`, CHAT_API_GATEWAY_NODES: peers, CHAT_API_RATE_LIMITS: 'off' },
      ['api'],
    );
    expect(apiNode.lines.gateway, 'the API process serves no gateway').toBeUndefined();
    const api = apiNode.lines.api!;

    const register = async (name: string) => {
      const answer = await callApi(api, 'POST', '/auth/register', undefined, { username: name, password: 'correct horse battery', email: `${name}@example.com` });
      expect(answer.status, JSON.stringify(answer.body)).toBe(201);
      return { token: answer.body.token as string, id: answer.body.user_id as string };
    };
    const alice = await register('alice');
    const bob = await register('bob');
    const guildId = (await callApi(api, 'POST', '/guilds', alice.token, { name: 'Handoff' })).body.id as string;
    const channelId = (await callApi(api, 'GET', `/guilds/${guildId}/channels`, alice.token)).body[0].id as string;
    const code = (await callApi(api, 'POST', `/channels/${channelId}/invites`, alice.token, {})).body.code as string;
    expect((await callApi(api, 'POST', `/invites/${code}`, bob.token, {})).status).toBe(200);

    // User-addressed events reach a user on whichever node holds her session: carol, on gateway A, gets alice's
    // DM and the GUILD_CREATE of the guild she joins, both requested through the API process.
    const carol = await register('carol');
    const carolOnA = await processes.connectClient(gatewayA.lines.gateway!, carol.token, 1 | (1 << 9) | (1 << 12) | (1 << 15));
    await carolOnA.waitFor((f) => f.some((x) => x.t === 'READY'), 'READY for carol');
    const dm = await callApi(api, 'POST', '/users/@me/channels', alice.token, { recipient_id: carol.id });
    expect(dm.status, JSON.stringify(dm.body)).toBe(200);
    const sent = await callApi(api, 'POST', `/channels/${dm.body.id}/messages`, alice.token, { content: 'hello from the other node' });
    expect(sent.status, JSON.stringify(sent.body)).toBe(200);
    await carolOnA.waitFor((f) => f.some((x) => x.t === 'MESSAGE_CREATE' && x.d.id === sent.body.id), "alice's DM on gateway A");
    expect((await callApi(api, 'POST', `/invites/${code}`, carol.token, {})).status).toBe(200);
    await carolOnA.waitFor((f) => f.some((x) => x.t === 'GUILD_CREATE' && x.d.id === guildId), 'GUILD_CREATE of the joined guild on gateway A');

    // Bob on gateway A.
    const first = await processes.connectClient(gatewayA.lines.gateway!, bob.token);
    await first.waitFor((f) => f.some((x) => x.t === 'GUILD_CREATE' && x.d.id === guildId), 'GUILD_CREATE on gateway A');
    const sessionId = first.frames.find((f) => f.t === 'READY')!.d.session_id as string;

    // Alice posts through gateway B every 40 ms, before, during and after the move.
    const accepted: string[] = [];
    let posting = true;
    const poster = (async () => {
      for (let i = 0; posting; i++) {
        const answer = await callApi(api, 'POST', `/channels/${channelId}/messages`, alice.token, { content: `m${i}` });
        expect(answer.status).toBe(200);
        accepted.push(answer.body.id as string);
        await sleep(40);
      }
    })();
    await first.waitFor((f) => f.filter((x) => x.t === 'MESSAGE_CREATE').length >= 10, 'ten messages on gateway A');

    // Drain A. The client gets op 7 and the socket closes; it RESUMEs on B with the last s it saw.
    const stoppedAt = Date.now();
    gatewayA.child.kill('SIGTERM');
    await first.waitFor((f) => f.some((x) => x.op === 7), 'op 7 RECONNECT');
    await new Promise<void>((resolve) => (first.ws.readyState === first.ws.CLOSED ? resolve() : first.ws.once('close', () => resolve())));
    const lastSeen = Math.max(...first.frames.map((f) => f.s ?? 0));
    const second = await processes.resumeClient(gatewayB.lines.gateway!, bob.token, sessionId, lastSeen);
    await second.waitFor((f) => f.some((x) => x.t === 'RESUMED' || x.op === 9), 'RESUMED on gateway B');
    expect(second.frames.some((f) => f.op === 9), 'RESUME on B answered op 9').toBe(false);
    await gatewayA.exited;
    const stopMs = Date.now() - stoppedAt;

    await sleep(800);
    posting = false;
    await poster;
    const received = (frames: Frame[]) => frames.filter((f) => f.t === 'MESSAGE_CREATE').map((f) => f.d.id as string);
    await second.waitFor((f) => accepted.every((id) => received(first.frames).includes(id) || received(f).includes(id)), 'every accepted message on one of the two connections');
    const all = [...received(first.frames), ...received(second.frames)];
    expect(all.length, 'a message arrived twice').toBe(new Set(all).size);
    expect(all.sort()).toEqual([...accepted].sort());
    // `s` goes on from where the client was, without a gap or a repeat.
    const sequences = [...first.frames, ...second.frames].map((f) => f.s).filter((s): s is number => s !== null);
    expect(sequences).toEqual(sequences.map((_, i) => i + 1));
    expect(received(second.frames).length, 'some messages came after the move').toBeGreaterThan(0);
    expect(stopMs, 'gateway A stopped within 5 s of SIGTERM').toBeLessThan(5_000);

    // A crash: bob on a new gateway A, which is SIGKILLed; RESUME on B finds nothing to take over.
    gatewayA = await startApp('gateway', gatewayEnv(0), ['gateway']);
    const third = await processes.connectClient(gatewayA.lines.gateway!, bob.token);
    await third.waitFor((f) => f.some((x) => x.t === 'GUILD_CREATE' && x.d.id === guildId), 'GUILD_CREATE on the new gateway A');
    const lost = third.frames.find((f) => f.t === 'READY')!.d.session_id as string;
    gatewayA.child.kill('SIGKILL');
    await gatewayA.exited;
    const resumedAt = Date.now();
    const fourth = await processes.resumeClient(gatewayB.lines.gateway!, bob.token, lost, Math.max(...third.frames.map((f) => f.s ?? 0)));
    await fourth.waitFor((f) => f.some((x) => x.op === 9), 'op 9 after the crash');
    const invalidMs = Date.now() - resumedAt;
    expect(invalidMs, 'op 9 within a second').toBeLessThan(1_000);
    const fresh = await processes.connectClient(gatewayB.lines.gateway!, bob.token);
    await fresh.waitFor((f) => f.some((x) => x.t === 'GUILD_CREATE' && x.d.id === guildId && Array.isArray(x.d.channels)), 'a complete GUILD_CREATE after IDENTIFY');
    expect(fresh.frames.find((f) => f.t === 'READY')!.d.guilds).toEqual([{ id: guildId, unavailable: true }]);
    console.log(`handoff: ${accepted.length} messages, ${received(second.frames).length} after the move; gateway A stopped in ${stopMs} ms; op 9 after a crash in ${invalidMs} ms`);
  }, 120_000);
});
