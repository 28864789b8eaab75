import { extractTraceContext } from '@chat/observability';
import { InvalidSubscribeOptionError } from './errors';
import type { BusHandler, BusRecord, SubscribeOptions } from './event-bus.port';
import { recordCarrier } from './header-carrier';
import { handleTraced } from './bus-tracing';

/** Retry settings with every field filled in. */
export interface RetryPolicy {
  maxAttempts: number;
  retryBackoffMs: number;
  maxRetryBackoffMs: number;
}

/** Fills unset subscribe options from adapter defaults and checks ranges. */
export function retryPolicy(options: SubscribeOptions, defaults: RetryPolicy): RetryPolicy {
  const policy = {
    maxAttempts: options.maxAttempts ?? defaults.maxAttempts,
    retryBackoffMs: options.retryBackoffMs ?? defaults.retryBackoffMs,
    maxRetryBackoffMs: options.maxRetryBackoffMs ?? defaults.maxRetryBackoffMs,
  };
  if (!Number.isInteger(policy.maxAttempts) || policy.maxAttempts < 1) throw new InvalidSubscribeOptionError('maxAttempts', policy.maxAttempts);
  if (!(policy.retryBackoffMs >= 0)) throw new InvalidSubscribeOptionError('retryBackoffMs', policy.retryBackoffMs);
  if (!(policy.maxRetryBackoffMs >= policy.retryBackoffMs)) throw new InvalidSubscribeOptionError('maxRetryBackoffMs', policy.maxRetryBackoffMs);
  return policy;
}

/** How one record's delivery ended. */
export type DeliveryOutcome =
  | { kind: 'handled' }
  | { kind: 'failed'; attempts: number; error: unknown }
  | { kind: 'revoked' };

/** Backoff before retry number `retry` (1-based): base x 2^(retry-1), capped. */
export function backoffMs(policy: RetryPolicy, retry: number): number {
  return Math.min(policy.maxRetryBackoffMs, policy.retryBackoffMs * 2 ** (retry - 1));
}

/**
 * Delivers one record to a handler with retries and exponential backoff, the
 * handler running in the trace context read from the record's headers.
 * Stops early with `revoked` when `revoked` fires (the partition was taken
 * away or the member left): the record then stays uncommitted. Shared by the
 * adapters so that retry semantics cannot drift apart.
 */
export async function deliver(
  record: Omit<BusRecord, 'attempt'>,
  handler: BusHandler,
  policy: RetryPolicy,
  revoked: AbortSignal,
  onRetry?: (attempt: number, error: unknown) => void,
): Promise<DeliveryOutcome> {
  const traced = extractTraceContext(recordCarrier({ ...record.headers }));
  let lastError: unknown;
  for (let attempt = 1; attempt <= policy.maxAttempts; attempt++) {
    if (revoked.aborted) return { kind: 'revoked' };
    const delivery = { ...record, attempt };
    const run = handleTraced(traced, delivery, () => {
      try {
        return handler(delivery);
      } catch (error) {
        return Promise.reject(error);
      }
    });
    const outcome = await raceRevoked(run, revoked);
    if (outcome === 'revoked') return { kind: 'revoked' };
    if (outcome.ok) return { kind: 'handled' };
    lastError = outcome.error;
    if (attempt < policy.maxAttempts) {
      onRetry?.(attempt, lastError);
      if ((await sleep(backoffMs(policy, attempt), revoked)) === 'revoked') return { kind: 'revoked' };
    }
  }
  return { kind: 'failed', attempts: policy.maxAttempts, error: lastError };
}

async function raceRevoked(run: Promise<void>, revoked: AbortSignal): Promise<{ ok: true } | { ok: false; error: unknown } | 'revoked'> {
  const settled = run.then(
    () => ({ ok: true as const }),
    (error: unknown) => ({ ok: false as const, error }),
  );
  if (revoked.aborted) return 'revoked';
  let onAbort!: () => void;
  const gone = new Promise<'revoked'>((resolve) => {
    onAbort = () => resolve('revoked');
    revoked.addEventListener('abort', onAbort, { once: true });
  });
  try {
    return await Promise.race([settled, gone]);
  } finally {
    revoked.removeEventListener('abort', onAbort);
  }
}

function sleep(ms: number, revoked: AbortSignal): Promise<'slept' | 'revoked'> {
  return new Promise((resolve) => {
    if (revoked.aborted) return resolve('revoked');
    const onAbort = () => {
      clearTimeout(timer);
      resolve('revoked');
    };
    const timer = setTimeout(() => {
      revoked.removeEventListener('abort', onAbort);
      resolve('slept');
    }, ms);
    revoked.addEventListener('abort', onAbort, { once: true });
  });
}

/** Resolves when every promise settled or `ms` passed, whichever is first (closing a member: the records in hand get that long). */
export async function settledWithin(promises: Promise<unknown>[], ms: number): Promise<void> {
  if (promises.length === 0) return;
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<void>((resolve) => (timer = setTimeout(resolve, ms)));
  await Promise.race([Promise.allSettled(promises), timeout]);
  clearTimeout(timer);
}
