import { seededRandom } from '@chat/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { Op } from './gateway-codes';
import { seed, startHarness, type Harness } from './gateway-test-harness';

let harness: Harness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

function randomFrame(rand: () => number): Buffer | string {
  const pick = Math.floor(rand() * 10);
  const bytes = (n: number): Buffer => Buffer.from(Array.from({ length: n }, () => Math.floor(rand() * 256)));
  const ops = [0, 1, 2, 3, 4, 5, 6, 8, 9, 10, 11, 14, 37, -1, 1e9, 2.5];
  const values: unknown[] = [null, true, 0, -1, 2 ** 53, 'x', [], {}, [1, 2], { token: 1 }, { guild_id: '1', limit: -5 }, { subscriptions: [] }];
  const value = (): unknown => values[Math.floor(rand() * values.length)];
  switch (pick) {
    case 0:
      return bytes(1 + Math.floor(rand() * 64));
    case 1:
      return bytes(1 + Math.floor(rand() * 64)).toString('latin1');
    case 2:
      return JSON.stringify({ op: ops[Math.floor(rand() * ops.length)], d: value() }).slice(0, Math.floor(rand() * 30));
    case 3:
      return JSON.stringify({ op: ops[Math.floor(rand() * ops.length)], d: value() });
    case 4:
      return JSON.stringify({ op: 2, d: { token: value(), intents: value(), shard: value(), large_threshold: value(), presence: value(), properties: value() } });
    case 5:
      return JSON.stringify({ op: 6, d: { token: value(), session_id: value(), seq: value() } });
    case 6:
      return '['.repeat(1000) + ']'.repeat(1000);
    case 7:
      return Buffer.alloc(70_000, 0x7b); // above ws maxPayload (64 KiB)
    case 8:
      return JSON.stringify({ op: 8, d: { guild_id: value(), user_ids: value(), query: value(), limit: value(), nonce: value() } });
    default:
      return JSON.stringify(value());
  }
}

describe('gateway fuzz', () => {
  it('survives random and malformed frames (up to 20 on each of 30 connections) and still serves a new one', async () => {
    harness = await startHarness({ maxFrameBytes: 64 * 1024 });
    const h = harness;
    const rand = seededRandom(0xc0ffee);
    let closedByServer = 0;
    let sent = 0;
    for (let i = 0; i < 30; i += 1) {
      const c = await h.connect();
      await c.nextOf(Op.HELLO);
      if (i % 3 === 0) {
        c.identify(seed.userToken);
        await c.nextOf(Op.DISPATCH, 'READY');
      }
      for (let j = 0; j < 20 && c.ws.readyState === c.ws.OPEN; j += 1) {
        const frame = randomFrame(rand);
        c.ws.send(frame, { binary: Buffer.isBuffer(frame) });
        sent += 1;
      }
      const outcome = await Promise.race([c.closed, new Promise<undefined>((resolve) => setTimeout(() => resolve(undefined), 1_000))]);
      if (outcome) {
        closedByServer += 1;
        expect(outcome.code >= 4000 && outcome.code <= 4014).toBe(true);
      }
      c.ws.terminate();
    }
    expect(sent).toBeGreaterThanOrEqual(30);
    expect(closedByServer).toBeGreaterThan(20);
    const fresh = await h.connect();
    await fresh.nextOf(Op.HELLO);
    fresh.identify(seed.userToken);
    expect((await fresh.nextOf(Op.DISPATCH, 'READY')).d.user.id).toBe(seed.userId);
  }, 30_000);
});
