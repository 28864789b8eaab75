import { EntityNotFoundError, InvalidStoreArgumentError, StoreUnavailableError } from '@chat/store';
import { describe, expect, it } from 'vitest';
import { toRestError } from './errors';
import { parseMentions } from './mentions';
import { RateLimiter } from './rate-limiter';

describe('parseMentions', () => {
  it('finds users, roles and @everyone/@here, deduplicated, and applies allowed_mentions', () => {
    const content = '<@1> <@!1> <@&2> @here <@3>';
    expect(parseMentions(content)).toEqual({ userIds: ['1', '3'], roleIds: ['2'], everyone: true });
    expect(parseMentions(content, { parse: ['roles'], users: ['3'] })).toEqual({ userIds: ['3'], roleIds: ['2'], everyone: false });
    expect(parseMentions('mail me@everyone.com')).toMatchObject({ everyone: false });
    expect(parseMentions('@everyone look')).toMatchObject({ everyone: true });
    expect(parseMentions('nothing <@abc>')).toEqual({ userIds: [], roleIds: [], everyone: false });
  });
});

describe('toRestError', () => {
  it('maps error kinds to Discord codes and never leaks internals', () => {
    expect(toRestError(new EntityNotFoundError('channel', '1')).toBody()).toEqual({ code: 10003, message: 'Unknown Channel' });
    expect(toRestError(new EntityNotFoundError('role', '1')).code).toBe(10011);
    const invalid = toRestError(new InvalidStoreArgumentError('limit', 0, 'an integer 1..100'));
    expect(invalid.status).toBe(400);
    expect(invalid.code).toBe(50035);
    expect(invalid.errors).toHaveProperty('limit');
    expect(toRestError(new StoreUnavailableError('sqlite', 'x')).status).toBe(503);
    const internal = toRestError(new Error('SELECT * FROM secrets failed'));
    expect(internal.toBody()).toEqual({ code: 0, message: '500: Internal Server Error' });
  });
});

describe('RateLimiter', () => {
  it('keeps buckets per major parameter and per caller', () => {
    let now = 1_000_000;
    const limiter = new RateLimiter({ default: { limit: 1, windowMs: 1000 }, global: { limit: 100, windowMs: 1000 } }, () => now);
    expect(limiter.check('messages.create', 'c1', 'u1').allowed).toBe(true);
    expect(limiter.check('messages.create', 'c2', 'u1').allowed).toBe(true);
    expect(limiter.check('messages.create', 'c1', 'u2').allowed).toBe(true);
    const limited = limiter.check('messages.create', 'c1', 'u1');
    expect(limited.allowed).toBe(false);
    expect(limited.retryAfterSeconds).toBe(1);
    now += 400;
    expect(limiter.check('messages.create', 'c1', 'u1').retryAfterSeconds).toBeCloseTo(0.6);
    now += 600;
    expect(limiter.check('messages.create', 'c1', 'u1').allowed).toBe(true);
  });
});
