import { AsyncLocalStorage } from 'node:async_hooks';

/** What an inbound call hands to the outbound calls it makes. */
export interface CallScope {
  /** The inbound deadline; outbound calls never outlive it. */
  deadline: Date | undefined;
}

const storage = new AsyncLocalStorage<CallScope>();

/** Runs `fn` with an inbound call's scope, so outbound calls inherit its deadline. */
export function runInCallScope<T>(scope: CallScope, fn: () => T): T {
  return storage.run(scope, fn);
}

/** The deadline of the inbound call being served, if any. */
export function inboundDeadline(): Date | undefined {
  return storage.getStore()?.deadline;
}

/**
 * The deadline for an outbound call: its own timeout from now, but never later
 * than the inbound deadline it is serving (deadline propagation).
 */
export function outboundDeadline(timeoutMs: number | undefined, now: number = Date.now()): Date | undefined {
  const own = timeoutMs === undefined ? undefined : now + timeoutMs;
  const inherited = inboundDeadline()?.getTime();
  if (own === undefined) return inherited === undefined ? undefined : new Date(inherited);
  return new Date(inherited === undefined ? own : Math.min(own, inherited));
}
