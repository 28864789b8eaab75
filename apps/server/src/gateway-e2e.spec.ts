/**
 * The whole binary in one process (every module, SQLite in memory): a user
 * registers and creates a guild over REST, connects to the gateway, and sees
 * READY, GUILD_CREATE, its own MESSAGE_CREATE and a member chunk, through
 * the guild and data services; unknown routes answer Discord's 404 and
 * GatewayService is served on the gRPC port.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import type { RunningServer } from '@chat/modules';
import { gatewayV1 } from '@chat/proto';
import { createServiceClient } from '@chat/rpc';
import { callApi } from './testing/rest-api';
import { startInProcessServer } from './testing/in-process-server';

interface Frame {
  op: number;
  d: any;
  s: number | null;
  t: string | null;
}

let server: RunningServer | undefined;
const sockets: WebSocket[] = [];
afterEach(async () => {
  for (const ws of sockets.splice(0)) ws.terminate();
  await server?.shutdown('test');
  server = undefined;
});

async function connect(url: string): Promise<{ next(op: number, t?: string): Promise<Frame>; send(p: unknown): void }> {
  const ws = new WebSocket(url);
  sockets.push(ws);
  const frames: Frame[] = [];
  let wake: (() => void) | undefined;
  ws.on('message', (data: Buffer) => {
    frames.push(JSON.parse(data.toString('utf8')) as Frame);
    wake?.();
  });
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  return {
    async next(op, t) {
      const deadline = Date.now() + 5_000;
      for (;;) {
        const index = frames.findIndex((f) => f.op === op && (t === undefined || f.t === t));
        if (index >= 0) return frames.splice(index, 1)[0]!;
        if (Date.now() > deadline) throw new Error(`no op ${op} ${t ?? ''} frame; got ${JSON.stringify(frames).slice(0, 300)}`);
        await new Promise<void>((resolve) => {
          wake = resolve;
          setTimeout(resolve, 200);
        });
      }
    },
    send: (payload) => ws.send(JSON.stringify(payload)),
  };
}

describe('the server in one process', () => {
  it('serves REST and the gateway on one port, end to end', async () => {
    server = await startInProcessServer();
    const apiBase = server.endpoints.api!;
    expect(server.endpoints.gateway).toBe(apiBase.replace('http://', 'ws://').replace(/\/api$/, ''));
    const missing = await fetch(`${apiBase}/v10/nothing-here`);
    expect(missing.status).toBe(404);
    expect(await missing.json()).toEqual({ message: '404: Not Found', code: 0 });
    const call = (method: string, path: string, token: string | undefined, body?: unknown) => callApi(apiBase, method, path, token, body);
    const registered = await call('POST', '/auth/register', undefined, { username: 'alice', password: 'correct horse battery', email: 'alice@example.com' });
    expect(registered.status).toBe(201);
    const token = registered.body.token as string;
    const guild = await call('POST', '/guilds', token, { name: 'Home' });
    expect(guild.status).toBe(201);
    const channels = await call('GET', `/guilds/${guild.body.id}/channels`, token);
    const channelId = channels.body[0].id as string;
    expect((await call('GET', '/gateway', undefined)).body.url).toBe(server.endpoints.gateway);

    const client = await connect(`${server.endpoints.gateway}/?v=10&encoding=json`);
    expect((await client.next(10)).d.heartbeat_interval).toBe(41_250);
    client.send({ op: 2, d: { token, properties: {}, intents: 1 | (1 << 1) | (1 << 9) | (1 << 15) } });
    const ready = await client.next(0, 'READY');
    expect(ready.d.guilds).toEqual([{ id: guild.body.id, unavailable: true }]);
    const guildCreate = await client.next(0, 'GUILD_CREATE');
    expect(guildCreate.d).toMatchObject({ id: guild.body.id, name: 'Home' });
    expect(guildCreate.d.channels.map((c: { id: string }) => c.id)).toContain(channelId);

    const posted = await call('POST', `/channels/${channelId}/messages`, token, { content: 'hi there' });
    expect(posted.status).toBe(200);
    const created = await client.next(0, 'MESSAGE_CREATE');
    expect(created.d).toMatchObject({ id: posted.body.id, content: 'hi there' });
    expect(created.s).toBe(3);

    // GatewayService on the gRPC port reaches the session (what peers and other services call).
    const gatewayService = createServiceClient(gatewayV1.GatewayServiceService, server.endpoints.grpc!);
    const pushed = await gatewayService.dispatchToUsers({ userIds: [registered.body.user_id], type: 'USER_UPDATE', payloadJson: Buffer.from(JSON.stringify({ id: registered.body.user_id })), excludeSessionIds: [], intents: 0, sessionIds: [] });
    gatewayService.close();
    expect(pushed.deliveredSessions).toBe(1);
    expect((await client.next(0, 'USER_UPDATE')).d).toEqual({ id: registered.body.user_id });

    client.send({ op: 8, d: { guild_id: guild.body.id, query: '', limit: 0, nonce: 'n' } });
    const chunk = await client.next(0, 'GUILD_MEMBERS_CHUNK');
    expect(chunk.d).toMatchObject({ guild_id: guild.body.id, nonce: 'n', chunk_index: 0, chunk_count: 1 });
    expect(chunk.d.members.map((m: { user: { id: string } }) => m.user.id)).toEqual([registered.body.user_id]);
    client.send({ op: 3, d: { status: 'idle', since: null, activities: [], afk: false } });
    client.send({ op: 1, d: 4 });
    expect((await client.next(11)).op).toBe(11);
  });
});
