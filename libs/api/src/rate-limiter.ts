/**
 * Fixed-window rate limits, as Discord announces them: per route bucket (a
 * route's name plus its major parameter, the channel or guild id) and per
 * caller, plus one global limit per caller. Every answer carries the
 * X-RateLimit-* headers; an exceeded limit answers 429 with retry_after.
 */
import { createHash } from 'node:crypto';

/** One limit: `limit` requests per `windowMs`. */
export interface RateLimit {
  limit: number;
  windowMs: number;
}

/** Rate-limit configuration. Route buckets not listed in `buckets` use `default`. */
export interface RateLimitConfig {
  /** Limit of any bucket without its own entry. */
  default: RateLimit;
  /** Limits by bucket name (e.g. "messages.create": { limit: 5, windowMs: 5000 }). */
  buckets?: Record<string, RateLimit>;
  /** Limit over every route per caller (Discord: 50 per second). */
  global: RateLimit;
  /** Windows kept before expired ones are swept. Default 10,000. */
  maxTrackedWindows?: number;
}

/** Defaults: 50 requests per second globally, 50 per second per bucket, 5 per 5 s for message sends. */
export const DEFAULT_RATE_LIMITS: RateLimitConfig = {
  default: { limit: 50, windowMs: 1000 },
  buckets: { 'messages.create': { limit: 5, windowMs: 5000 }, 'auth.login': { limit: 5, windowMs: 60_000 }, 'auth.register': { limit: 5, windowMs: 60_000 } },
  global: { limit: 50, windowMs: 1000 },
};

/** The answer of one check: headers to send and, when limited, how long to wait. */
export interface RateLimitDecision {
  allowed: boolean;
  global: boolean;
  headers: Record<string, string>;
  /** Seconds until the caller may retry (only when not allowed). */
  retryAfterSeconds: number;
}

interface Window {
  start: number;
  count: number;
  windowMs: number;
}

/** Counts requests per (bucket, major, caller) and per caller. */
export class RateLimiter {
  private readonly windows = new Map<string, Window>();
  private readonly maxTracked: number;

  constructor(
    private readonly config: RateLimitConfig,
    private readonly clock: () => number,
  ) {
    this.maxTracked = config.maxTrackedWindows ?? 10_000;
  }

  /** Counts one request of `caller` on `bucket` (with its major parameter) and decides. */
  check(bucket: string, major: string, caller: string): RateLimitDecision {
    const now = this.clock();
    if (this.windows.size > this.maxTracked) this.sweep(now);
    const globalWindow = this.windowFor(`g:${caller}`, this.config.global, now);
    const limit = this.config.buckets?.[bucket] ?? this.config.default;
    const routeWindow = this.windowFor(`r:${bucket}:${major}:${caller}`, limit, now);
    const bucketHash = createHash('sha1').update(`${bucket}:${major}`).digest('hex').slice(0, 16);
    const headers = (window: Window, max: number, remaining: number): Record<string, string> => {
      const resetAt = window.start + window.windowMs;
      return {
        'x-ratelimit-limit': String(max),
        'x-ratelimit-remaining': String(Math.max(0, remaining)),
        'x-ratelimit-reset': (resetAt / 1000).toFixed(3),
        'x-ratelimit-reset-after': (Math.max(0, resetAt - now) / 1000).toFixed(3),
        'x-ratelimit-bucket': bucketHash,
      };
    };
    if (globalWindow.count >= this.config.global.limit) {
      const retry = Math.max(0, globalWindow.start + globalWindow.windowMs - now) / 1000;
      return {
        allowed: false,
        global: true,
        retryAfterSeconds: retry,
        headers: { ...headers(routeWindow, limit.limit, limit.limit - routeWindow.count), 'x-ratelimit-global': 'true', 'x-ratelimit-scope': 'global', 'retry-after': String(Math.ceil(retry)) },
      };
    }
    if (routeWindow.count >= limit.limit) {
      const retry = Math.max(0, routeWindow.start + routeWindow.windowMs - now) / 1000;
      return {
        allowed: false,
        global: false,
        retryAfterSeconds: retry,
        headers: { ...headers(routeWindow, limit.limit, 0), 'x-ratelimit-scope': 'user', 'retry-after': String(Math.ceil(retry)) },
      };
    }
    globalWindow.count += 1;
    routeWindow.count += 1;
    return { allowed: true, global: false, retryAfterSeconds: 0, headers: headers(routeWindow, limit.limit, limit.limit - routeWindow.count) };
  }

  private windowFor(key: string, limit: RateLimit, now: number): Window {
    let window = this.windows.get(key);
    if (!window || now >= window.start + window.windowMs) {
      window = { start: now, count: 0, windowMs: limit.windowMs };
      this.windows.set(key, window);
    }
    return window;
  }

  private sweep(now: number): void {
    for (const [key, window] of this.windows) {
      if (now >= window.start + window.windowMs) this.windows.delete(key);
    }
  }
}
