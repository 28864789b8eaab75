/**
 * Validation of per-actor options, done before an actor is registered so a
 * bad option never leaves a half-made actor behind.
 */
import { InvalidActorOptionsError } from './errors';
import type { SpawnOptions } from './types';

/** Spawn options after validation, with the ask timeout filled in. */
export interface ResolvedSpawnOptions {
  readonly mailboxCapacity: number;
  readonly idleTimeoutMs: number | undefined;
  readonly askTimeoutMs: number;
}

/** True for a finite number above zero. */
export function isPositiveFinite(value: number): boolean {
  return Number.isFinite(value) && value > 0;
}

/**
 * Checks `options` for actor `id`; throws `InvalidActorOptionsError` for a
 * capacity that is not an integer >= 1, or a non-positive or infinite timeout.
 */
export function resolveSpawnOptions(id: string, options: SpawnOptions, defaultAskTimeoutMs: number): ResolvedSpawnOptions {
  const capacity = options.mailboxCapacity ?? Number.POSITIVE_INFINITY;
  if (capacity !== Number.POSITIVE_INFINITY && !(Number.isInteger(capacity) && capacity >= 1)) {
    throw new InvalidActorOptionsError(id, 'mailboxCapacity', 'must be an integer >= 1');
  }
  if (options.idleTimeoutMs !== undefined && !isPositiveFinite(options.idleTimeoutMs)) {
    throw new InvalidActorOptionsError(id, 'idleTimeoutMs', 'must be a finite number > 0');
  }
  const askTimeoutMs = options.askTimeoutMs ?? defaultAskTimeoutMs;
  if (!isPositiveFinite(askTimeoutMs)) {
    throw new InvalidActorOptionsError(id, 'askTimeoutMs', 'must be a finite number > 0');
  }
  return { mailboxCapacity: capacity, idleTimeoutMs: options.idleTimeoutMs, askTimeoutMs };
}
