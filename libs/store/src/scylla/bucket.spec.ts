import { composeSnowflake, DISCORD_EPOCH_MS } from '@chat/snowflake';
import { describe, expect, it } from 'vitest';
import { BUCKET_SIZE_MS, bucketOf, bucketOfTime } from './bucket';

const at = (ms: number, increment = 0) =>
  BigInt(composeSnowflake({ timestampMs: ms, workerId: 31, processId: 31, increment }));

describe('bucketOf', () => {
  it('is 0 for the Discord epoch and steps every ten days', () => {
    expect(BUCKET_SIZE_MS).toBe(864_000_000);
    expect(bucketOf(0n)).toBe(0);
    expect(bucketOf(at(DISCORD_EPOCH_MS + BUCKET_SIZE_MS - 1, 4095))).toBe(0);
    expect(bucketOf(at(DISCORD_EPOCH_MS + BUCKET_SIZE_MS))).toBe(1);
    expect(bucketOf(at(DISCORD_EPOCH_MS + 57 * BUCKET_SIZE_MS + 3))).toBe(57);
  });

  it('matches Discord: floor((timestamp - 1420070400000) / 864000000)', () => {
    // 175928847299117063 is Discord's documented example id (2016-04-30T11:18:25.796Z).
    expect(bucketOf(175928847299117063n)).toBe(Math.floor((1462015105796 - 1420070400000) / 864000000));
    expect(bucketOfTime(1462015105796)).toBe(48);
  });

  it('handles ids up to 2^63 - 1', () => {
    expect(bucketOf((1n << 63n) - 1n)).toBe(Math.floor(2 ** 41 / BUCKET_SIZE_MS));
  });
});
