import { afterEach, describe, expect, it } from 'vitest';
import { pino } from 'pino';
import { Registry } from 'prom-client';
import { openStore, type Store } from '@chat/store';
import { IDS, type Module, type ModuleContext } from '@chat/modules';
import { SnowflakeGenerator } from '@chat/snowflake';
import { createGatewayModule, GATEWAY_STORE, type GatewayValue } from './gateway.module';
import { Op } from './ws/gateway-codes';
import { TestClient } from './ws/gateway-test-harness';

const ids = { user: '110000000000000001', bot: '110000000000000002', app: '110000000000000003', guild: '210000000000000001', channel: '310000000000000001' };

let running: { module: Module<GatewayValue>; store: Store; clients: TestClient[] } | undefined;
afterEach(async () => {
  for (const c of running?.clients ?? []) c.ws.terminate();
  await running?.module.stop();
  await running?.store.close();
  running = undefined;
});

async function startModule(): Promise<{ api: string; gateway: string; client: () => Promise<TestClient>; grpcServices: string[] }> {
  const store = await openStore({ backend: 'sqlite', path: ':memory:' });
  await store.users.createUser({ id: ids.user, username: 'alice' });
  await store.users.addToken(ids.user, 'alice-token', 'user');
  await store.users.createUser({ id: ids.bot, username: 'robot', bot: true, discriminator: '0001' });
  await store.users.addToken(ids.bot, 'robot-token', 'bot');
  await store.users.createApplication({ id: ids.app, name: 'app', ownerId: ids.user, botUserId: ids.bot });
  await store.guilds.createGuild({ id: ids.guild, name: 'home', ownerId: ids.user });
  await store.guilds.createRole({ id: ids.guild, guildId: ids.guild, name: '@everyone', permissions: String((1 << 10) | (1 << 11) | (1 << 16)) });
  await store.guilds.createChannel({ id: ids.channel, type: 0, guildId: ids.guild, name: 'general' });
  for (const userId of [ids.user, ids.bot]) await store.guilds.addMember({ guildId: ids.guild, userId, joinedAt: new Date() });
  const definition = createGatewayModule();
  const module = definition.create({ host: '127.0.0.1', port: 0, publicUrl: '', heartbeatIntervalMs: 41_250, resumeWindowMs: 60_000, replayCapacity: 100, privilegedIntents: 'open', guilds: 'store', nodeId: 'gateway-0', guildNodes: '', guildTimeoutMs: 5_000 });
  const grpcServices: string[] = [];
  const context: ModuleContext = {
    logger: pino({ level: 'silent' }),
    metrics: new Registry(),
    get: <T>(key: { name: string }): T => {
      if (key.name === GATEWAY_STORE.name) return store as T;
      if (key.name === IDS.name) return new SnowflakeGenerator({ workerId: 3, processId: 3 }) as T;
      return { addService: (definition: Record<string, { path: string }>) => grpcServices.push(Object.values(definition)[0]?.path ?? '') } as T;
    },
    fail: (error) => {
      throw error;
    },
  };
  await module.start(context);
  const clients: TestClient[] = [];
  running = { module, store, clients };
  const endpoints = module.endpoints?.() ?? {};
  return {
    api: endpoints.api ?? '',
    gateway: endpoints.gateway ?? '',
    grpcServices,
    client: async () => {
      const c = await TestClient.open(`${endpoints.gateway}/?v=10&encoding=json`);
      clients.push(c);
      return c;
    },
  };
}

describe('gateway module', () => {
  it('reports api and gateway endpoints on one port and serves GatewayService', async () => {
    const m = await startModule();
    expect(m.api).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/api$/);
    expect(m.gateway).toBe(m.api.replace('http://', 'ws://').replace(/\/api$/, ''));
    expect(m.grpcServices).toEqual(['/chat.gateway.v1.GatewayService/DispatchToUsers']);
    const res = await fetch(`${m.api}/v10/gateway`);
    expect(await res.json()).toEqual(expect.objectContaining({ url: m.gateway }));
    const missing = await fetch(`${m.api}/v10/nothing-here`);
    expect(missing.status).toBe(404);
  });

  it('delivers a message a bot posts through REST to a user connected on the WebSocket', async () => {
    const m = await startModule();
    const alice = await m.client();
    await alice.nextOf(Op.HELLO);
    alice.identify('alice-token', { intents: (1 << 0) | (1 << 9) | (1 << 15) });
    await alice.nextOf(Op.DISPATCH, 'READY');
    expect((await alice.nextOf(Op.DISPATCH, 'GUILD_CREATE')).d.id).toBe(ids.guild);
    const posted = await fetch(`${m.api}/v10/channels/${ids.channel}/messages`, {
      method: 'POST',
      headers: { authorization: 'Bot robot-token', 'content-type': 'application/json' },
      body: JSON.stringify({ content: 'hello alice', nonce: 'n-1' }),
    });
    expect(posted.status).toBe(200);
    const body = (await posted.json()) as { id: string };
    const created = await alice.nextOf(Op.DISPATCH, 'MESSAGE_CREATE');
    expect(created.d).toMatchObject({ id: body.id, content: 'hello alice', channel_id: ids.channel });
    expect(created.s).toBe(3);
  });
});
