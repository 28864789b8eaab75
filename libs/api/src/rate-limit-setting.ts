/**
 * CHAT_API_RATE_LIMITS: the REST API's rate limits without editing source.
 * `discord` (the default) is Discord's announced limits; `off` sets every
 * limit so high no caller reaches it (trusted bots, load tests, fuzzing);
 * a JSON object sets `default`, `global` and per-bucket limits, each
 * `{ "limit": n, "windowMs": ms }`, over Discord's values. A bad value stops
 * the process at start, naming the key (the config loader's exit 2).
 */
import type { Setting } from '@chat/config';
import { DEFAULT_RATE_LIMITS, type RateLimit, type RateLimitConfig } from './rate-limiter';

/** Limits no caller reaches. */
export const UNLIMITED_RATE_LIMITS: RateLimitConfig = {
  default: { limit: 2 ** 31 - 1, windowMs: 1000 },
  global: { limit: 2 ** 31 - 1, windowMs: 1000 },
};

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

function parseLimit(value: unknown, where: string): RateLimit {
  if (!isObject(value)) throw new Error(`${where} must be {"limit": n, "windowMs": ms}`);
  const { limit, windowMs, ...rest } = value;
  const extra = Object.keys(rest);
  if (extra.length > 0) throw new Error(`${where} has unknown field ${extra[0]}`);
  if (!Number.isInteger(limit) || (limit as number) < 1) throw new Error(`${where}.limit must be a whole number of at least 1`);
  if (!Number.isInteger(windowMs) || (windowMs as number) < 1 || (windowMs as number) > 86_400_000) throw new Error(`${where}.windowMs must be 1..86400000`);
  return { limit: limit as number, windowMs: windowMs as number };
}

/** Parses the key's value; `buckets` are the bucket names the routes use (an unknown one is refused). */
export function parseRateLimits(raw: unknown, buckets: ReadonlySet<string>): RateLimitConfig {
  const text = typeof raw === 'string' ? raw.trim() : undefined;
  if (text === 'discord') return DEFAULT_RATE_LIMITS;
  if (text === 'off') return UNLIMITED_RATE_LIMITS;
  let value: unknown = raw;
  if (text !== undefined) {
    try {
      value = JSON.parse(text);
    } catch {
      throw new Error(`expected discord, off or a JSON object, got ${JSON.stringify(text.slice(0, 80))}`);
    }
  }
  if (!isObject(value)) throw new Error('expected discord, off or a JSON object');
  const { default: fallback, global, buckets: given, ...rest } = value;
  const extra = Object.keys(rest);
  if (extra.length > 0) throw new Error(`unknown field ${extra[0]} (expected default, global, buckets)`);
  const bucketLimits: Record<string, RateLimit> = { ...DEFAULT_RATE_LIMITS.buckets };
  if (given !== undefined) {
    if (!isObject(given)) throw new Error('buckets must be an object of bucket name -> limit');
    for (const [name, limit] of Object.entries(given)) {
      if (!buckets.has(name)) throw new Error(`unknown bucket ${name} (known: ${[...buckets].sort().join(', ')})`);
      bucketLimits[name] = parseLimit(limit, `buckets.${name}`);
    }
  }
  return {
    default: fallback === undefined ? DEFAULT_RATE_LIMITS.default : parseLimit(fallback, 'default'),
    global: global === undefined ? DEFAULT_RATE_LIMITS.global : parseLimit(global, 'global'),
    buckets: bucketLimits,
  };
}

/**
 * The CHAT_API_RATE_LIMITS setting for routes using `buckets`. Its value is
 * the text as given (so --help and the docs show `discord`), checked at load
 * time with {@link parseRateLimits}; the module parses it again to use it.
 */
export function rateLimitSetting(buckets: ReadonlySet<string>): Setting<string> {
  return {
    key: 'CHAT_API_RATE_LIMITS',
    description: 'REST rate limits: discord (Discord\'s), off (no limit is ever reached), or JSON {"default"|"global": {"limit": n, "windowMs": ms}, "buckets": {"<bucket>": {...}}} over Discord\'s',
    unit: '',
    defaultValue: 'discord',
    parse: (raw) => {
      parseRateLimits(raw, buckets);
      return typeof raw === 'string' ? raw.trim() : JSON.stringify(raw);
    },
  };
}
