/**
 * Time source of the runtime. Injectable so tests can drive backoff,
 * ask timeouts and passivation deterministically; the default reads the
 * globals at call time, so `vi.useFakeTimers()` also works.
 */

/** Opaque timer handle returned by {@link ActorClock.setTimeout}. */
export type TimerHandle = unknown;

/** Monotonic time plus one-shot timers. */
export interface ActorClock {
  /** Milliseconds on a monotonic scale (only differences matter). */
  now(): number;
  /** Runs `fn` once after `ms`. */
  setTimeout(fn: () => void, ms: number): TimerHandle;
  /** Cancels a timer; ignores handles already fired or cancelled. */
  clearTimeout(handle: TimerHandle): void;
}

/** Real time: `performance.now()` and the global timers. */
export const systemClock: ActorClock = {
  now: () => performance.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

/** Lets a timer not keep the process alive (no-op for handles without `unref`). */
export function unrefTimer(handle: TimerHandle): void {
  if (typeof handle === 'object' && handle !== null && 'unref' in handle) {
    const unref = (handle as { unref: unknown }).unref;
    if (typeof unref === 'function') unref.call(handle);
  }
}
