/**
 * Bytes a client controls before and around the WebSocket handshake: request
 * targets `new URL` cannot read, oversized and malformed requests, frames
 * over the size limit and text that is not UTF-8. Each may fail its own
 * request or connection, answered as Discord answers it; none may end the
 * process, and the server keeps serving a well-behaved client afterwards.
 */
import { connect as tcpConnect } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { CloseCode, Op } from './gateway-codes';
import { seed, startHarness, type Harness } from './gateway-test-harness';

let harness: Harness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

/** Writes raw bytes to the server and resolves with everything it answered before closing (or after `waitMs`). */
function rawExchange(url: string, request: string, waitMs = 1_500): Promise<string> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = tcpConnect(Number(port), hostname, () => socket.write(request));
    let answer = '';
    socket.on('data', (chunk: Buffer) => void (answer += chunk.toString('latin1')));
    const timer = setTimeout(() => {
      socket.destroy();
      resolve(answer);
    }, waitMs);
    socket.on('close', () => {
      clearTimeout(timer);
      resolve(answer);
    });
    socket.on('error', (error: NodeJS.ErrnoException) => (error.code === 'ECONNRESET' ? undefined : reject(error)));
  });
}

const upgrade = (target: string, extra = ''): string =>
  `GET ${target} HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n${extra}\r\n`;

async function expectStillServing(h: Harness): Promise<void> {
  const c = await h.connect();
  await c.nextOf(Op.HELLO);
  c.identify(seed.userToken);
  expect((await c.nextOf(Op.DISPATCH, 'READY')).d.user.id).toBe(seed.userId);
}

describe('hostile requests to the gateway', () => {
  it.each(['//?v=10&encoding=json', '//', '///x?v=10', '/%zz?v=%zz&encoding=%', '//[::1?v=10', '/?v=10&encoding=json#frag', '/\\\\evil?v=10'])(
    'takes an upgrade to %s without dying (HELLO or a clean refusal)',
    async (target) => {
      harness = await startHarness();
      const answer = await rawExchange(harness.url, upgrade(target), 500);
      // Either a refusal, or an accepted upgrade that goes on to HELLO (an upgrade that threw after 101 sends none).
      expect(answer).toMatch(/^HTTP\/1\.1 101 [\s\S]*"op":10|^HTTP\/1\.1 (400|404) /);
      await expectStillServing(harness);
    },
  );

  it('answers request headers over the limit with 431, and malformed requests with 400', async () => {
    harness = await startHarness();
    const big = await rawExchange(harness.url, upgrade('/?v=10', `X-Filler: ${'a'.repeat(20_000)}\r\n`));
    expect(big).toMatch(/^HTTP\/1\.1 431 /);
    expect(big).toContain('"code": 0');
    const garbage = await rawExchange(harness.url, 'GET / HTTP/1.1\r\nHost: x\r\nContent-Length: nope\r\n\r\n');
    expect(garbage).toMatch(/^HTTP\/1\.1 400 /);
    const notHttp = await rawExchange(harness.url, '\u0000\u0001\u0002 hello\r\n\r\n');
    expect(notHttp).toMatch(/^HTTP\/1\.1 400 /);
    await expectStillServing(harness);
  });

  it('closes a frame over the frame limit with 4002 (not 1009), before buffering it', async () => {
    harness = await startHarness({ maxFrameBytes: 64 * 1024 });
    const c = await harness.connect();
    await c.nextOf(Op.HELLO);
    c.ws.send(Buffer.alloc(70_000, 0x7b));
    const closed = await c.closed;
    expect(closed.code).toBe(CloseCode.DECODE_ERROR);
    await expectStillServing(harness);
  });

  it('closes text that is not UTF-8 with 4002 (not 1007), and binary that is not UTF-8 likewise', async () => {
    harness = await startHarness();
    const invalid = Buffer.from([0x7b, 0x22, 0x6f, 0x70, 0x22, 0x3a, 0xff, 0xfe, 0x7d]);
    for (const binary of [false, true]) {
      const c = await harness.connect();
      await c.nextOf(Op.HELLO);
      c.ws.send(invalid, { binary });
      const closed = await c.closed;
      expect({ binary, code: closed.code }).toEqual({ binary, code: CloseCode.DECODE_ERROR });
    }
    await expectStillServing(harness);
  });

  it('refuses IDENTIFY and RESUME of a user token sent with the "Bot " prefix (4004), as REST does', async () => {
    harness = await startHarness();
    const c = await harness.connect();
    await c.nextOf(Op.HELLO);
    c.identify(`Bot ${seed.userToken}`);
    expect((await c.closed).code).toBe(CloseCode.AUTHENTICATION_FAILED);
    const r = await harness.connect();
    await r.nextOf(Op.HELLO);
    r.send({ op: Op.RESUME, d: { token: `Bot ${seed.userToken}`, session_id: 'x', seq: 0 } });
    expect((await r.closed).code).toBe(CloseCode.AUTHENTICATION_FAILED);
    await expectStillServing(harness);
  });

  it('still accepts a WebSocket client that sends an ordinary upgrade', async () => {
    harness = await startHarness();
    const ws = new WebSocket(`${harness.url}/?v=10&encoding=json`);
    const first = await new Promise<string>((resolve, reject) => {
      ws.once('message', (data: Buffer) => resolve(data.toString('utf8')));
      ws.once('error', reject);
    });
    expect(JSON.parse(first).op).toBe(Op.HELLO);
    ws.terminate();
  });
});
