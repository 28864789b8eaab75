import { describe, expect, it } from 'vitest';
import { DEFAULT_RATE_LIMITS } from './rate-limiter';
import { parseRateLimits, UNLIMITED_RATE_LIMITS } from './rate-limit-setting';

const BUCKETS = new Set(['messages.create', 'guilds.get']);

describe('CHAT_API_RATE_LIMITS', () => {
  it('takes discord, off, and a JSON object over Discord\'s limits', () => {
    expect(parseRateLimits('discord', BUCKETS)).toBe(DEFAULT_RATE_LIMITS);
    expect(parseRateLimits(' off ', BUCKETS)).toBe(UNLIMITED_RATE_LIMITS);
    const custom = parseRateLimits('{"global": {"limit": 500, "windowMs": 1000}, "buckets": {"messages.create": {"limit": 100, "windowMs": 1000}}}', BUCKETS);
    expect(custom.global).toEqual({ limit: 500, windowMs: 1000 });
    expect(custom.default).toEqual(DEFAULT_RATE_LIMITS.default);
    expect(custom.buckets?.['messages.create']).toEqual({ limit: 100, windowMs: 1000 });
    expect(custom.buckets?.['auth.login']).toEqual(DEFAULT_RATE_LIMITS.buckets?.['auth.login']);
  });

  it.each([
    ['fast', /expected discord, off or a JSON object/],
    ['[1]', /expected discord, off or a JSON object/],
    ['{"global": {"limit": 0, "windowMs": 1000}}', /global.limit must be a whole number/],
    ['{"default": {"limit": 5}}', /default.windowMs must be/],
    ['{"buckets": {"nope": {"limit": 1, "windowMs": 1}}}', /unknown bucket nope \(known: guilds.get, messages.create\)/],
    ['{"globl": {}}', /unknown field globl/],
    ['{"global": {"limit": 1, "windowMs": 1, "burst": 2}}', /global has unknown field burst/],
  ])('refuses %s', (raw, message) => {
    expect(() => parseRateLimits(raw, BUCKETS)).toThrow(message);
  });
});
