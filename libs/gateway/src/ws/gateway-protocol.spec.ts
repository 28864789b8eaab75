import { GatewayIntentBits } from 'discord-api-types/v10';
import { afterEach, describe, expect, it } from 'vitest';
import { ApplicationFlag, CloseCode, Op } from './gateway-codes';
import { seed, startHarness, type Harness } from './gateway-test-harness';

let harness: Harness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

async function start(...args: Parameters<typeof startHarness>): Promise<Harness> {
  harness = await startHarness(...args);
  return harness;
}

describe('gateway protocol', () => {
  it('sends HELLO with the heartbeat interval and ACKs heartbeats', async () => {
    const h = await start({ heartbeatIntervalMs: 41_250 });
    const c = await h.connect();
    const hello = await c.next();
    expect(hello).toEqual({ op: Op.HELLO, d: { heartbeat_interval: 41_250 }, s: null, t: null });
    c.send({ op: Op.HEARTBEAT, d: null });
    expect((await c.next()).op).toBe(Op.HEARTBEAT_ACK);
  });

  it('answers IDENTIFY with READY (guilds unavailable) then one GUILD_CREATE per guild, with rising s', async () => {
    const h = await start();
    const c = await h.connect();
    await c.next();
    c.identify(seed.userToken);
    const ready = await c.next();
    expect(ready).toMatchObject({ op: 0, s: 1, t: 'READY' });
    expect(ready.d.v).toBe(10);
    expect(ready.d.user.id).toBe(seed.userId);
    expect(ready.d.resume_gateway_url).toBe(h.url);
    expect(typeof ready.d.session_id).toBe('string');
    expect(ready.d.guilds).toEqual(expect.arrayContaining([{ id: seed.guildId, unavailable: true }, { id: seed.otherGuildId, unavailable: true }]));
    const first = await c.next();
    const second = await c.next();
    expect([first.t, second.t]).toEqual(['GUILD_CREATE', 'GUILD_CREATE']);
    expect([first.s, second.s]).toEqual([2, 3]);
    const general = [first, second].find((f) => f.d.id === seed.guildId);
    expect(general?.d.channels.map((ch: { id: string }) => ch.id)).toEqual([seed.channelId]);
    expect(general?.d.members).toHaveLength(2);
    expect(general?.d.unavailable).toBe(false);
  });

  it('accepts a bot token with or without "Bot " and reports the application', async () => {
    const h = await start();
    for (const token of [seed.botToken, `Bot ${seed.botToken}`]) {
      const c = await h.connect();
      await c.next();
      c.identify(token);
      const ready = await c.nextOf(Op.DISPATCH, 'READY');
      expect(ready.d.user.bot).toBe(true);
      expect(ready.d.application).toEqual({ id: seed.appId, flags: 0 });
    }
  });

  it.each([
    ['bad token', (c: Parameters<typeof doClose>[0]) => c.identify('nope'), CloseCode.AUTHENTICATION_FAILED],
    ['op 3 before IDENTIFY', (c: Parameters<typeof doClose>[0]) => c.send({ op: 3, d: { status: 'online' } }), CloseCode.NOT_AUTHENTICATED],
    ['unknown opcode', (c: Parameters<typeof doClose>[0]) => c.send({ op: 99, d: null }), CloseCode.UNKNOWN_OPCODE],
    ['malformed JSON', (c: Parameters<typeof doClose>[0]) => c.ws.send('{"op":'), CloseCode.DECODE_ERROR],
    ['no op', (c: Parameters<typeof doClose>[0]) => c.send({ d: 1 }), CloseCode.DECODE_ERROR],
    ['payload over 4096 bytes', (c: Parameters<typeof doClose>[0]) => c.send({ op: 1, d: null, pad: 'x'.repeat(5000) }), CloseCode.DECODE_ERROR],
    ['undefined intent bit', (c: Parameters<typeof doClose>[0]) => c.identify(seed.botToken, { intents: 1 << 30 }), CloseCode.INVALID_INTENTS],
    ['bot without intents', (c: Parameters<typeof doClose>[0]) => c.identify(seed.botToken, { intents: undefined }), CloseCode.INVALID_INTENTS],
    ['shard id >= count', (c: Parameters<typeof doClose>[0]) => c.identify(seed.botToken, { shard: [2, 2] }), CloseCode.INVALID_SHARD],
    ['shard not a pair', (c: Parameters<typeof doClose>[0]) => c.identify(seed.botToken, { shard: [0] }), CloseCode.INVALID_SHARD],
    ['RESUME with a negative seq', (c: Parameters<typeof doClose>[0]) => c.send({ op: 6, d: { token: seed.userToken, session_id: 'x', seq: -1 } }), CloseCode.INVALID_SEQ],
  ])('closes on %s', async (_name, act, code) => {
    const h = await start();
    expect(await doClose(await h.connect(), act)).toBe(code);
  });

  it('closes a second IDENTIFY with 4005', async () => {
    const h = await start();
    const c = await h.connect();
    await c.next();
    c.identify(seed.userToken);
    await c.nextOf(Op.DISPATCH, 'READY');
    c.identify(seed.userToken);
    expect((await c.closed).code).toBe(CloseCode.ALREADY_AUTHENTICATED);
  });

  it('refuses privileged intents with 4014 when the application lacks the flags, and allows them with the flags', async () => {
    const strict = await start({ privilegedIntents: 'application-flags' });
    expect(await doClose(await strict.connect(), (c) => c.identify(seed.botToken, { intents: GatewayIntentBits.MessageContent | GatewayIntentBits.Guilds }))).toBe(CloseCode.DISALLOWED_INTENTS);
    await strict.close();
    harness = undefined;
    const flagged = await start({ privilegedIntents: 'application-flags' }, ApplicationFlag.GATEWAY_MESSAGE_CONTENT);
    const c = await flagged.connect();
    await c.next();
    c.identify(seed.botToken, { intents: GatewayIntentBits.MessageContent | GatewayIntentBits.Guilds });
    expect((await c.nextOf(Op.DISPATCH, 'READY')).d.user.id).toBe(seed.botId);
  });

  it('lets every bot use privileged intents under the default open policy', async () => {
    const h = await start();
    const c = await h.connect();
    await c.next();
    c.identify(seed.botToken, { intents: GatewayIntentBits.GuildMembers | GatewayIntentBits.GuildPresences | GatewayIntentBits.MessageContent });
    expect((await c.nextOf(Op.DISPATCH, 'READY')).t).toBe('READY');
  });

  it('filters guilds by shard: (guild_id >> 22) % num_shards', async () => {
    const h = await start();
    const shardOf = (id: string): number => Number((BigInt(id) >> 22n) % 2n);
    for (const shardId of [0, 1]) {
      const c = await h.connect();
      await c.next();
      c.identify(seed.botToken, { shard: [shardId, 2] });
      const ready = await c.nextOf(Op.DISPATCH, 'READY');
      expect(ready.d.shard).toEqual([shardId, 2]);
      const expected = [seed.guildId, seed.otherGuildId].filter((id) => shardOf(id) === shardId).sort();
      expect(ready.d.guilds.map((g: { id: string }) => g.id).sort()).toEqual(expected);
    }
  });

  it('closes a bot session over the guild limit with 4011, and accepts it sharded', async () => {
    const h = await start({ maxGuildsPerSession: 1 });
    expect(await doClose(await h.connect(), (c) => c.identify(seed.botToken, { shard: [0, 1] }))).toBe(CloseCode.SHARDING_REQUIRED);
    const shardOf = (id: string): number => Number((BigInt(id) >> 22n) % 2n);
    expect(shardOf(seed.guildId)).not.toBe(shardOf(seed.otherGuildId));
    const c = await h.connect();
    await c.next();
    c.identify(seed.botToken, { shard: [0, 2] });
    expect((await c.nextOf(Op.DISPATCH, 'READY')).d.guilds).toHaveLength(1);
  });

  it('closes with 4012 for an unsupported API version', async () => {
    const h = await start();
    const c = await h.connect('?v=6&encoding=json');
    expect((await c.closed).code).toBe(CloseCode.INVALID_API_VERSION);
  });

  it('closes a zombie connection (no heartbeat) with 4009', async () => {
    const h = await start({ heartbeatIntervalMs: 100, heartbeatTimeoutMs: 200 });
    const c = await h.connect();
    await c.next();
    const started = Date.now();
    expect((await c.closed).code).toBe(CloseCode.SESSION_TIMED_OUT);
    expect(Date.now() - started).toBeGreaterThanOrEqual(150);
  });

  it('closes with 4008 after more than the allowed events in the window', async () => {
    const h = await start({ rateLimit: { events: 120, windowMs: 60_000 } });
    const c = await h.connect();
    await c.next();
    for (let i = 0; i < 121; i += 1) c.send({ op: Op.HEARTBEAT, d: null });
    expect((await c.closed).code).toBe(CloseCode.RATE_LIMITED);
  });

  it('keeps a session under the limit open', async () => {
    const h = await start();
    const c = await h.connect();
    await c.next();
    for (let i = 0; i < 120; i += 1) c.send({ op: Op.HEARTBEAT, d: i });
    for (let i = 0; i < 120; i += 1) expect((await c.next()).op).toBe(Op.HEARTBEAT_ACK);
    expect(c.ws.readyState).toBe(c.ws.OPEN);
  });
});

async function doClose(c: Awaited<ReturnType<Harness['connect']>>, act: (c: Awaited<ReturnType<Harness['connect']>>) => void): Promise<number> {
  await c.next();
  act(c);
  return (await c.closed).code;
}
