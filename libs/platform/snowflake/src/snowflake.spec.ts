import { describe, expect, it } from 'vitest';
import {
  DISCORD_EPOCH_MS,
  InvalidSnowflakeError,
  InvalidTimestampError,
  MAX_TIMESTAMP_MS,
  compareSnowflakes,
  composeSnowflake,
  dateOf,
  deconstruct,
  formatSnowflake,
  isSnowflake,
  parseSnowflake,
  snowflakeFromTimestamp,
  timestampOf,
} from './index';

describe('known Discord ids', () => {
  it('decodes the example of Discord reference docs (175928847299117063)', () => {
    // docs "Convert snowflake to DateTime": timestamp 41944705796 + epoch = 1462015105796,
    // worker 00001, process 00000, increment 000000000111.
    const d = deconstruct('175928847299117063');
    expect(d).toMatchObject({ timestampMs: 1462015105796, workerId: 1, processId: 0, increment: 7 });
    expect(d.date.toISOString()).toBe('2016-04-30T11:18:25.796Z');
    expect(d.value).toBe(175928847299117063n);
    expect(timestampOf('175928847299117063')).toBe(1462015105796);
    expect(dateOf(175928847299117063n).toISOString()).toBe('2016-04-30T11:18:25.796Z');
  });

  it('decodes ids used as examples by other Discord libraries', () => {
    expect(deconstruct('90339695967350784')).toMatchObject({
      timestampMs: 1441609061949,
      workerId: 0,
      processId: 3,
      increment: 0,
    });
    expect(dateOf('105484726235607040').toISOString()).toBe('2015-10-19T01:58:38.546Z');
  });

  it('decodes the largest id to the last millisecond of the 42-bit range and all-ones fields', () => {
    expect(deconstruct('18446744073709551615')).toMatchObject({
      timestampMs: MAX_TIMESTAMP_MS,
      workerId: 31,
      processId: 31,
      increment: 4095,
    });
    expect(new Date(MAX_TIMESTAMP_MS).toISOString()).toBe('2154-05-15T07:35:11.103Z');
  });

  it('composes back to the same id', () => {
    expect(composeSnowflake({ timestampMs: 1462015105796, workerId: 1, processId: 0, increment: 7 })).toBe(
      '175928847299117063',
    );
    expect(() => composeSnowflake({ timestampMs: 1462015105796, workerId: 32, processId: 0, increment: 0 })).toThrow(
      RangeError,
    );
    expect(() => composeSnowflake({ timestampMs: 1462015105796, workerId: 0, processId: 0, increment: 4096 })).toThrow(
      RangeError,
    );
  });
});

describe('snowflakeFromTimestamp', () => {
  it('is (ms - epoch) << 22, the lowest id of that millisecond', () => {
    expect(snowflakeFromTimestamp(DISCORD_EPOCH_MS)).toBe('0');
    expect(snowflakeFromTimestamp(1462015105796)).toBe('175928847298985984');
    expect(snowflakeFromTimestamp(new Date(1462015105796))).toBe('175928847298985984');
    expect(deconstruct(snowflakeFromTimestamp(1462015105796))).toMatchObject({
      timestampMs: 1462015105796,
      workerId: 0,
      processId: 0,
      increment: 0,
    });
  });

  it('bounds time ranges: ids made at t sort at or above it, ids made before sort below', () => {
    const bound = snowflakeFromTimestamp(1462015105796);
    expect(compareSnowflakes('175928847299117063', bound)).toBe(1);
    const lastOfPreviousMs = composeSnowflake({ timestampMs: 1462015105795, workerId: 31, processId: 31, increment: 4095 });
    expect(compareSnowflakes(lastOfPreviousMs, bound)).toBe(-1);
    expect(compareSnowflakes(bound, bound)).toBe(0);
  });

  it('rejects times a snowflake cannot hold', () => {
    expect(() => snowflakeFromTimestamp(DISCORD_EPOCH_MS - 1)).toThrow(InvalidTimestampError);
    expect(() => snowflakeFromTimestamp(MAX_TIMESTAMP_MS + 1)).toThrow(InvalidTimestampError);
    expect(() => snowflakeFromTimestamp(1.5e12 + 0.5)).toThrow(InvalidTimestampError);
    expect(() => snowflakeFromTimestamp(Number.NaN)).toThrow(InvalidTimestampError);
    expect(() => snowflakeFromTimestamp(new Date('nope'))).toThrow(InvalidTimestampError);
    expect(snowflakeFromTimestamp(MAX_TIMESTAMP_MS)).toBe('18446744073705357312');
  });
});

describe('parseSnowflake', () => {
  it('accepts canonical decimal strings up to 2^64 - 1', () => {
    expect(parseSnowflake('0')).toBe(0n);
    expect(parseSnowflake('175928847299117063')).toBe(175928847299117063n);
    expect(parseSnowflake('18446744073709551615')).toBe(2n ** 64n - 1n);
  });

  it.each([
    ['', 'empty string'],
    ['-1', 'negative'],
    ['-175928847299117063', 'negative'],
    ['+1', 'not a string of decimal digits'],
    ['12a4', 'not a string of decimal digits'],
    ['1.5', 'not a string of decimal digits'],
    ['1e18', 'not a string of decimal digits'],
    [' 175928847299117063', 'not a string of decimal digits'],
    ['175928847299117063\n', 'not a string of decimal digits'],
    ['０', 'not a string of decimal digits'],
    ['0x1f', 'not a string of decimal digits'],
    ['007', 'leading zeros'],
    ['18446744073709551616', 'does not fit in 64 bits (>= 2^64)'],
    ['99999999999999999999', 'does not fit in 64 bits (>= 2^64)'],
    ['100000000000000000000', 'longer than 20 digits, does not fit in 64 bits'],
  ])('rejects %j (%s) with InvalidSnowflakeError', (input, reason) => {
    let caught: unknown;
    try {
      parseSnowflake(input);
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(InvalidSnowflakeError);
    expect((caught as InvalidSnowflakeError).reason).toBe(reason);
    expect((caught as InvalidSnowflakeError).input).toBe(input);
    expect((caught as InvalidSnowflakeError).name).toBe('InvalidSnowflakeError');
    expect(isSnowflake(input)).toBe(false);
  });

  it('rejects non-strings (a JS number has already lost precision)', () => {
    const lossy = Number('175928847299117063'); // 175928847299117060: already wrong
    expect(() => parseSnowflake(lossy as unknown as string)).toThrow(InvalidSnowflakeError);
    expect(isSnowflake(lossy)).toBe(false);
    expect(isSnowflake('175928847299117063')).toBe(true);
  });

  it('is used by every helper that takes a string', () => {
    expect(() => timestampOf('abc')).toThrow(InvalidSnowflakeError);
    expect(() => deconstruct('-5')).toThrow(InvalidSnowflakeError);
    expect(() => deconstruct(-5n)).toThrow(InvalidSnowflakeError);
    expect(() => compareSnowflakes('1', '18446744073709551616')).toThrow(InvalidSnowflakeError);
  });
});

describe('formatSnowflake and compareSnowflakes', () => {
  it('formats in-range bigints and rejects the rest', () => {
    expect(formatSnowflake(175928847299117063n)).toBe('175928847299117063');
    expect(() => formatSnowflake(-1n)).toThrow(InvalidSnowflakeError);
    expect(() => formatSnowflake(2n ** 64n)).toThrow(InvalidSnowflakeError);
  });

  it('orders numerically where string order is wrong', () => {
    const ids = ['175928847299117063', '9', '90339695967350784', '10'];
    expect([...ids].sort(compareSnowflakes)).toEqual(['9', '10', '90339695967350784', '175928847299117063']);
    expect([...ids].sort()).not.toEqual(['9', '10', '90339695967350784', '175928847299117063']);
  });
});
