import { GatewayIntentBits } from 'discord-api-types/v10';
import { afterEach, describe, expect, it } from 'vitest';
import { inflateSync, createInflate, constants as zc } from 'node:zlib';
import { createDispatchFrame } from '../relay/local-sessions';
import { gatewayServiceHandlers } from './gateway-service.handlers';
import { CloseCode, Op } from './gateway-codes';
import { seed, startHarness, ZLIB_SUFFIX, type Harness, type TestClient } from './gateway-test-harness';

let harness: Harness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

async function start(...args: Parameters<typeof startHarness>): Promise<Harness> {
  harness = await startHarness(...args);
  return harness;
}

/** Identifies and reads READY plus both GUILD_CREATEs; returns the session id. */
async function ready(c: TestClient, token = seed.userToken, extra: Record<string, unknown> = {}): Promise<string> {
  await c.nextOf(Op.HELLO);
  c.identify(token, extra);
  const r = await c.nextOf(Op.DISPATCH, 'READY');
  await c.nextOf(Op.DISPATCH, 'GUILD_CREATE');
  await c.nextOf(Op.DISPATCH, 'GUILD_CREATE');
  return r.d.session_id as string;
}

const context = {} as never;

describe('gateway sessions', () => {
  it('RESUME replays the dispatches after seq, then RESUMED', async () => {
    const h = await start();
    const a = await h.connect();
    const sessionId = await ready(a);
    a.ws.close(4100, 'bye');
    await a.closed;
    // A dispatch while disconnected goes to the buffer only.
    await gatewayServiceHandlers(h.gateway.hub).dispatchToUsers(
      { userIds: [seed.userId], type: 'MESSAGE_CREATE', payloadJson: Buffer.from('{"id":"1"}'), excludeSessionIds: [], intents: 0, sessionIds: [] },
      context,
    );
    const b = await h.connect();
    await b.nextOf(Op.HELLO);
    b.send({ op: Op.RESUME, d: { token: seed.userToken, session_id: sessionId, seq: 1 } });
    const replayed = [await b.next(), await b.next(), await b.next(), await b.next()];
    expect(replayed.map((f) => [f.s, f.t])).toEqual([
      [2, 'GUILD_CREATE'],
      [3, 'GUILD_CREATE'],
      [4, 'MESSAGE_CREATE'],
      [5, 'RESUMED'],
    ]);
    expect(replayed[2]?.d).toEqual({ id: '1' });
  });

  it('answers RESUME of an unknown session with op 9 d=false and accepts IDENTIFY after it', async () => {
    const h = await start();
    const c = await h.connect();
    await c.nextOf(Op.HELLO);
    c.send({ op: Op.RESUME, d: { token: seed.userToken, session_id: 'nope', seq: 0 } });
    expect(await c.next()).toEqual({ op: Op.INVALID_SESSION, d: false, s: null, t: null });
    c.identify(seed.userToken);
    expect((await c.nextOf(Op.DISPATCH, 'READY')).s).toBe(1);
  });

  it('answers op 9 when the buffer no longer holds what the client missed', async () => {
    const h = await start({ replayCapacity: 1 });
    const a = await h.connect();
    const sessionId = await ready(a);
    a.ws.close(4100);
    await a.closed;
    const b = await h.connect();
    await b.nextOf(Op.HELLO);
    b.send({ op: Op.RESUME, d: { token: seed.userToken, session_id: sessionId, seq: 1 } });
    expect((await b.next()).op).toBe(Op.INVALID_SESSION);
  });

  it('closes RESUME with a seq ahead of the session with 4007, and RESUME with another user\'s token gets op 9', async () => {
    const h = await start();
    const a = await h.connect();
    const sessionId = await ready(a);
    a.ws.close(4100);
    await a.closed;
    const wrongUser = await h.connect();
    await wrongUser.nextOf(Op.HELLO);
    wrongUser.send({ op: Op.RESUME, d: { token: seed.botToken, session_id: sessionId, seq: 3 } });
    expect((await wrongUser.next()).op).toBe(Op.INVALID_SESSION);
    const ahead = await h.connect();
    await ahead.nextOf(Op.HELLO);
    ahead.send({ op: Op.RESUME, d: { token: seed.userToken, session_id: sessionId, seq: 99 } });
    expect((await ahead.closed).code).toBe(CloseCode.INVALID_SEQ);
  });

  it('ends a session that was not resumed within the resume window', async () => {
    const h = await start({ resumeWindowMs: 50 });
    const a = await h.connect();
    const sessionId = await ready(a);
    a.ws.close(4100);
    await a.closed;
    const ref = h.gateway.hub.find(sessionId);
    await ref?.whenStopped();
    expect(h.gateway.hub.find(sessionId)).toBeUndefined();
    expect(h.gateway.hub.registry.get(sessionId)).toBeUndefined();
  });

  it('sends op 7 RECONNECT on drain and lets the client RESUME', async () => {
    const h = await start();
    const a = await h.connect();
    const sessionId = await ready(a);
    h.gateway.drain();
    expect(await a.next()).toMatchObject({ op: Op.RECONNECT, d: null });
    await a.closed;
    const b = await h.connect();
    await b.nextOf(Op.HELLO);
    b.send({ op: Op.RESUME, d: { token: seed.userToken, session_id: sessionId, seq: 3 } });
    expect(await b.next()).toMatchObject({ op: 0, t: 'RESUMED', s: 4 });
  });

  it('over zlib-stream, op 7 RECONNECT reaches the client before the close frame', async () => {
    const h = await start();
    const a = await h.connect('?v=10&encoding=json&compress=zlib-stream');
    await ready(a);
    h.gateway.drain();
    expect(await a.next()).toMatchObject({ op: Op.RECONNECT, d: null });
    expect((await a.closed).code).toBe(CloseCode.UNKNOWN_ERROR);
  });

  it('ends the session when the client closes with 1000 (no RESUME), as Discord does', async () => {
    const h = await start();
    const a = await h.connect();
    const sessionId = await ready(a);
    const ref = h.gateway.hub.find(sessionId);
    a.ws.close(1000);
    await ref?.whenStopped();
    const b = await h.connect();
    await b.nextOf(Op.HELLO);
    b.send({ op: Op.RESUME, d: { token: seed.userToken, session_id: sessionId, seq: 3 } });
    expect((await b.next()).op).toBe(Op.INVALID_SESSION);
  });

  it('drops a client that stops reading once its unsent bytes pass the limit, and it can RESUME', async () => {
    const h = await start({ maxBufferedBytes: 256 * 1024, replayCapacity: 10_000 });
    const a = await h.connect();
    const sessionId = await ready(a);
    (a.ws as unknown as { _socket: { pause(): void } })._socket.pause();
    const big = createDispatchFrame('MESSAGE_CREATE', JSON.stringify({ content: 'x'.repeat(60_000) }));
    const deadline = Date.now() + 10_000;
    let sent = 0;
    while (h.gateway.connectionCount > 0 && Date.now() < deadline) {
      h.gateway.hub.deliverToUsers([seed.userId], big);
      sent += 1;
      await new Promise((resolve) => setImmediate(resolve));
    }
    expect(h.gateway.connectionCount).toBe(0);
    expect(sent).toBeGreaterThan(4);
    const b = await h.connect();
    await b.nextOf(Op.HELLO);
    b.send({ op: Op.RESUME, d: { token: seed.userToken, session_id: sessionId, seq: 3 } });
    const first = await b.next();
    expect(first).toMatchObject({ s: 4, t: 'MESSAGE_CREATE' });
  });

  it('answers REQUEST_GUILD_MEMBERS with GUILD_MEMBERS_CHUNK, nonce and not_found', async () => {
    const h = await start();
    const c = await h.connect();
    await ready(c, seed.botToken, { intents: GatewayIntentBits.Guilds | GatewayIntentBits.GuildMembers });
    c.send({ op: Op.REQUEST_GUILD_MEMBERS, d: { guild_id: seed.guildId, query: '', limit: 0, nonce: 'n1' } });
    const all = await c.nextOf(Op.DISPATCH, 'GUILD_MEMBERS_CHUNK');
    expect(all.d).toMatchObject({ guild_id: seed.guildId, chunk_index: 0, chunk_count: 1, nonce: 'n1' });
    expect(all.d.members.map((m: { user: { id: string } }) => m.user.id).sort()).toEqual([seed.userId, seed.botId].sort());
    c.send({ op: Op.REQUEST_GUILD_MEMBERS, d: { guild_id: seed.guildId, user_ids: [seed.userId, '999'], limit: 0 } });
    const byId = await c.nextOf(Op.DISPATCH, 'GUILD_MEMBERS_CHUNK');
    expect(byId.d.members).toHaveLength(1);
    expect(byId.d.not_found).toEqual(['999']);
    c.send({ op: Op.REQUEST_GUILD_MEMBERS, d: { guild_id: seed.guildId, query: 'rob', limit: 10 } });
    const byName = await c.nextOf(Op.DISPATCH, 'GUILD_MEMBERS_CHUNK');
    expect(byName.d.members.map((m: { user: { id: string } }) => m.user.id)).toEqual([seed.botId]);
  });

  it('accepts op 3, op 14 and op 37 from an identified session, and closes malformed ones with 4002', async () => {
    const h = await start();
    const c = await h.connect();
    await ready(c);
    c.send({ op: Op.PRESENCE_UPDATE, d: { status: 'idle', since: null, activities: [], afk: false } });
    c.send({ op: Op.LAZY_REQUEST, d: { guild_id: seed.guildId, typing: true } });
    c.send({ op: Op.GUILD_SUBSCRIPTIONS_BULK, d: { subscriptions: { [seed.guildId]: { typing: true } } } });
    c.send({ op: Op.HEARTBEAT, d: 3 });
    expect((await c.next()).op).toBe(Op.HEARTBEAT_ACK);
    c.send({ op: Op.PRESENCE_UPDATE, d: { status: 'sleepy' } });
    expect((await c.closed).code).toBe(CloseCode.DECODE_ERROR);
  });

  it('GatewayService: DispatchToUsers honours intents and exclusions, DisconnectUser closes with the code, AttachUserToGuild sends GUILD_CREATE', async () => {
    const h = await start();
    const handlers = gatewayServiceHandlers(h.gateway.hub);
    const user = await h.connect();
    // A user client that sends no intents gets every intent, DIRECT_MESSAGES included.
    const userSession = await ready(user, seed.userToken, { intents: undefined });
    const bot = await h.connect();
    await ready(bot, seed.botToken, { intents: GatewayIntentBits.Guilds });
    const dm = { userIds: [seed.userId, seed.botId], type: 'MESSAGE_CREATE', payloadJson: Buffer.from('{"id":"7"}'), excludeSessionIds: [], intents: GatewayIntentBits.DirectMessages, sessionIds: [] };
    expect(await handlers.dispatchToUsers(dm, context)).toEqual({ deliveredSessions: 1 });
    expect(await user.next()).toMatchObject({ op: 0, t: 'MESSAGE_CREATE', s: 4, d: { id: '7' } });
    expect(await handlers.dispatchToUsers({ ...dm, excludeSessionIds: [userSession] }, context)).toEqual({ deliveredSessions: 0 });
    // Named sessions only (an interaction's INTERACTION_SUCCESS goes to the session that invoked it).
    const toBoth = { ...dm, intents: 0, type: 'INTERACTION_SUCCESS' };
    expect(await handlers.dispatchToUsers({ ...toBoth, sessionIds: ['some-other-session'] }, context)).toEqual({ deliveredSessions: 0 });
    expect(await handlers.dispatchToUsers({ ...toBoth, sessionIds: [userSession] }, context)).toEqual({ deliveredSessions: 1 });
    expect(await user.next()).toMatchObject({ t: 'INTERACTION_SUCCESS', s: 5 });
    expect(await handlers.attachUserToGuild({ userId: seed.userId, guildId: seed.guildId }, context)).toEqual({ attachedSessions: 1 });
    expect(await user.next()).toMatchObject({ t: 'GUILD_CREATE', s: 6 });
    await expect(handlers.disconnectUser({ userId: seed.userId, closeCode: 1000, reason: '' }, context)).rejects.toThrow(/close_code/);
    expect(await handlers.disconnectUser({ userId: seed.userId, closeCode: 4004, reason: 'token reset' }, context)).toEqual({ closedSessions: 1 });
    expect(await user.closed).toEqual({ code: 4004, reason: 'token reset' });
  });

  it('zlib-stream: one deflate context per connection, every message ends with 00 00 ff ff', async () => {
    const h = await start();
    const c = await h.connect('?v=10&encoding=json&compress=zlib-stream');
    expect((await c.next()).d).toEqual({ heartbeat_interval: 1_000 });
    c.identify(seed.userToken);
    const r = await c.nextOf(Op.DISPATCH, 'READY');
    expect(r.d.user.id).toBe(seed.userId);
    await c.nextOf(Op.DISPATCH, 'GUILD_CREATE');
    await c.nextOf(Op.DISPATCH, 'GUILD_CREATE');
    expect(c.raw.length).toBe(4);
    for (const message of c.raw) expect(message.subarray(message.length - 4).equals(ZLIB_SUFFIX)).toBe(true);
    // Only the first message carries the zlib header; later ones cannot be inflated on their own.
    expect(c.raw[0]?.[0]).toBe(0x78);
    expect(() => inflateSync(c.raw[1]!, { finishFlush: zc.Z_SYNC_FLUSH })).toThrow();
    // A fresh streaming inflater over the concatenation yields the four JSON frames in order.
    const inflate = createInflate();
    const out: Buffer[] = [];
    inflate.on('data', (chunk: Buffer) => out.push(chunk));
    await new Promise<void>((resolve) => {
      inflate.write(Buffer.concat(c.raw), () => inflate.flush(zc.Z_SYNC_FLUSH, () => resolve()));
    });
    const text = Buffer.concat(out).toString('utf8');
    expect(text.startsWith('{"op":10,')).toBe(true);
    expect(text.split('"t":"GUILD_CREATE"').length - 1).toBe(2);
  });
});
